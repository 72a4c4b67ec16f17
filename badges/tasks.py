"""Background work of the badges: the bulk print (a Celery task), and starting one.

With a broker the task runs on a Celery worker; with none, in the process's
background thread (:mod:`conference.plumbing.background`): never inside the
request that starts it.
"""

from celery import shared_task
from django.db import transaction

from conference.plumbing.background import run_in_background

from .models import BadgePrintJob
from .services import run_print_job, validate_print_options


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
