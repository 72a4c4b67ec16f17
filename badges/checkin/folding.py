"""Case- and accent-blind matching for the door's search ("zoe" finds "Zoë", "lukasz" "Łukasz").

One folding, three places that must agree: :func:`fold` in Python, the SQL
function :class:`Folded` (PostgreSQL's ``unaccent`` extension, created by the
badges migrations; on SQLite our own ``cog_fold`` function, which is
:func:`fold` registered on every connection), and ``fold()`` in
``static/js/door/offline-list.js`` for the offline list.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

# Letters that carry their mark inside the letter, so decomposition leaves them as they are.
LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ħ": "h",
        "Ħ": "h",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
    }
)


def fold(text):
    """``text`` in lower case without accents: what the search compares."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").translate(LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Folded(Func):
    """The SQL of :func:`fold` on a column."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="cog_fold", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="lower(unaccent(%(expressions)s))", **extra_context)


def register_sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("cog_fold", 1, fold, deterministic=True)


def connect():
    connection_created.connect(register_sqlite_fold, dispatch_uid="badges.checkin.folding")
