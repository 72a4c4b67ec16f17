from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Invitations and registration"

    def ready(self):
        # Registration reacts to a published agenda; the agenda never imports registration.
        from conference.agenda.signals import agenda_published

        from .notices import notify_agenda_changed

        agenda_published.connect(notify_agenda_changed, dispatch_uid="registration.notify_agenda_changed")

        # A conference's places settings saved (capacity raised, a category made exempt...): the
        # waiting list takes the places now free, whoever saved them.
        from django.db.models.signals import post_save

        from conference.models import Conference

        from .services import offer_places_when_saved

        post_save.connect(offer_places_when_saved, sender=Conference, dispatch_uid="registration.offer_places")

        # A send of invitations whose e-mails were left unprepared (the process died after its commit)
        # is finished by the outbox's next sweep; the outbox never imports the batches.
        from .batches import finish_left_over
        from .outbox.signals import sweeping

        sweeping.connect(finish_left_over, dispatch_uid="registration.finish_send_batches")
