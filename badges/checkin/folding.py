"""Case- and accent-blind matching for the door's search ("zoe" finds "Zoë", "lukasz" "Łukasz").

One folding, three places that must agree: :func:`fold` in Python (``conference.plumbing.folding``), the SQL
function :class:`Folded` (PostgreSQL's ``unaccent`` extension, created by the
badges migrations; on SQLite our own ``cog_fold`` function, which is
:func:`fold` registered on every connection), and ``fold()`` in
``static/js/door/offline-list.js`` for the offline list.
"""

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

# The Python folding is the plumbing's: the delegate directory folds with it too.
from conference.plumbing.folding import fold


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
