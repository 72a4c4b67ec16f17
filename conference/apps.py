from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = "Conference"

    def ready(self):
        from .plumbing import roles

        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="conference.sync_role_permissions")
