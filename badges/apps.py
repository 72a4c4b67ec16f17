from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = "Badges and check-in"

    def ready(self):
        from badges.checkin import folding

        folding.connect()

        from badges import ahead

        ahead.connect()

        # Next year's conference gets this year's badge design (registration sends; badges is above it).
        from registration.copying import conference_copied

        from .design import copy_design_when_copied

        conference_copied.connect(copy_design_when_copied, dispatch_uid="badges.copy_design")
