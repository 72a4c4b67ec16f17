"""Case- and accent-blind text for searching in Python ("zoe" finds "Zoë", "lukasz" finds "Łukasz").

The folding every layer may use: the delegate directory's search folds with
it. The door's search (``badges.checkin.folding``) folds the same way and
adds the SQL twins of it.
"""

import unicodedata

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
    """``text`` in lower case without accents: what a search compares."""
    text = str(text or "")
    if text.isascii():  # most text: nothing to decompose (and ten times faster)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
