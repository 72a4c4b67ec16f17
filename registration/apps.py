from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Invitations and registration"

    def ready(self):
        # Registration reacts to a published agenda; the agenda never imports registration.
        from conference.agenda.signals import agenda_published

        from .notices import notify_agenda_changed

        agenda_published.connect(notify_agenda_changed, dispatch_uid="registration.notify_agenda_changed")
