"""Contact cards (vCard 3.0, RFC 2426) of the delegates a delegate met, for their address book."""

import re


def _escape(value):
    """A property value: backslash, comma, semicolon and line breaks escaped (RFC 2426, 4)."""
    text = re.sub(r"[\r\n]+", " ", str(value or ""))
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def _fold(line):
    """Lines of at most 75 octets, continued with a space (RFC 2425, 5.8.1)."""
    data = line.encode()
    parts = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return b"\r\n ".join(parts).decode()


def vcard(registration):
    organisation = registration.invitation.organisation.name
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(registration.last_name)};{_escape(registration.first_name)};;;",
        f"FN:{_escape(registration.full_name)}",
        f"ORG:{_escape(organisation)}",
    ]
    if registration.job_title:
        lines.append(f"TITLE:{_escape(registration.job_title)}")
    if registration.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{_escape(registration.email)}")
    if registration.networking_note:
        lines.append(f"NOTE:{_escape(registration.networking_note)}")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def vcards(registrations):
    return "".join(vcard(r) for r in registrations)
