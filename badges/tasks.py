"""Background work of the badges: the bulk print (a Celery task), and starting one.

With a broker the task runs on a Celery worker; with none, in the process's
background thread (:mod:`conference.plumbing.background`): never inside the
request that starts it.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from conference.plumbing.background import Runner, run_in_background

from . import services
from .models import BadgePrintJob
from .services import run_print_job, validate_print_options

# Rendering ahead has a thread of its own (no broker): a print job never waits behind 20,000 renders.
renderer = Runner("badge-renderer")


@shared_task(acks_late=True)
def render_print_job(job_id):
    job = BadgePrintJob.objects.select_related("conference").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None
    run_print_job(job)
    return job.status


def start_print_job(conference, *, layout="a6", category="", not_printed=False, user=None):
    """Queue a background print of the badges; returns the ``BadgePrintJob`` to follow.

    The task is sent once the job row is committed, to a worker or (no broker)
    to this process's background thread: the job is queued when this returns,
    and its row records the progress.
    """
    validate_print_options(layout=layout, category=category)
    job = BadgePrintJob.objects.create(
        conference=conference, layout=layout, category=category or "", not_printed=not_printed, created_by=user
    )
    transaction.on_commit(lambda: run_in_background(render_print_job, job.pk))
    return job


@shared_task(acks_late=True, name="badges.render_ahead")
def render_ahead(conference_id, registration_ids=None):
    return services.render_ahead(conference_id, registration_ids)


def start_render_ahead(conference_id, registration_ids=None):
    """Render stale badges ahead of need: on a worker, or with no broker in the renderer thread."""
    if settings.CELERY_BROKER_URL:
        render_ahead.delay(conference_id, registration_ids)
    else:
        renderer.submit(services.render_ahead, conference_id, registration_ids)
