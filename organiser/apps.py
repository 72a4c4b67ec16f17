from django.apps import AppConfig


class OrganiserConfig(AppConfig):
    """The organiser's pages that gather from every part (conference, registration, badges).

    An interface app above the three domain apps, as pretix's ``control`` and
    pretalx's ``orga``: it has no models and nothing below it imports it.
    """

    name = "organiser"
    verbose_name = "Organiser pages"
