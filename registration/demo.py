"""Demo invitations and delegates: filled in by the registration work."""


def load(conference, stdout):
    pass
