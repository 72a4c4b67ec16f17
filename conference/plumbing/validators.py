"""Names that are printed (badges, lists, e-mails) refuse invisible characters that change what they show.

Control characters (C0, DEL, C1) and the bidirectional embeddings, overrides
and isolates (U+202A–U+202E, U+2066–U+2069) are refused: ``L\\u202egnp.exe``
would print as "Lexe.png". The zero-width non-joiner and joiner (U+200C,
U+200D), which Persian, Indic scripts and emoji need, are kept, as are the
left-to-right and right-to-left marks.
"""

import unicodedata

from django.core.exceptions import ValidationError

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
MESSAGE = "Remove the control or text-direction characters from this text (they change how it prints)."


def forbidden_characters(value):
    """The characters of ``value`` that a name may not hold, in order of appearance (no repeats)."""
    found = []
    for char in value:
        if (char in BIDI_CONTROLS or unicodedata.category(char) == "Cc") and char not in found:
            found.append(char)
    return found


def validate_name_text(value):
    """The one validator of printed names: delegates, invitations' contacts and organisations, speakers."""
    if isinstance(value, str) and forbidden_characters(value):
        raise ValidationError(MESSAGE, code="invalid_characters")


FIRST_YEAR, LAST_YEAR = 2000, 2100


def validate_plausible_year(value):
    """Conference dates and times lie between 2000 and 2100.

    A year outside is a typing mistake; and before the 1970s some time zones'
    offsets were not whole minutes (London's local mean time before 1847 was
    -00:01:15), which no ISO 8601 date-time can carry.
    """
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            f"Enter a date between the years {FIRST_YEAR} and {LAST_YEAR}.",
            code="implausible_year",
        )
