"""Demo agenda: filled in by the agenda work."""


def load(conference, stdout):
    pass
