from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = "Badges and check-in"

    def ready(self):
        from badges.checkin import folding

        folding.connect()
