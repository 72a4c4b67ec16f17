"""The badge code: what the QR code on a badge holds.

Scheme: a random secret looked up in the database. A code is 128 bits from
the operating system's CSPRNG, written in RFC 4648 base32 without padding
(26 characters of ``A-Z2-7``, all in the QR alphanumeric set, so the code
fits QR version 2 at error correction M). Only the server can produce a
valid code because only the server's database knows which codes exist;
guessing one among even a million live badges takes about 2^108 tries.

Why not a MAC or a signature: both would let a device check a code without
the database, but the door must ask the database anyway (revoked? already
in?), a MAC key rotation would void every printed badge, and a signature
makes the code two to three times longer (a denser, slower-to-scan QR).
For offline doors the door page downloads SHA-256 hashes of the current
codes (``code_digest``), never the codes themselves.
"""

import base64
import hashlib
import re
import secrets

CODE_BYTES = 16
CODE_LENGTH = 26
_CODE_RE = re.compile(r"^[A-Z2-7]{26}$")


def new_badge_code():
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=")


def normalise_code(raw):
    """What a scanner typed, made comparable: trimmed, upper case, inner spaces dropped.

    Handheld scanners sometimes add a prefix/suffix whitespace or send lower
    case with caps lock on; neither changes which badge was meant.
    """
    return re.sub(r"\s+", "", (raw or "")).upper()


def is_well_formed(code):
    return bool(_CODE_RE.match(code))


def code_digest(code):
    """The hash an offline door holds instead of the code itself."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()
