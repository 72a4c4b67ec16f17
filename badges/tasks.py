"""Background work of the badges: the bulk print (a Celery task; eager with no broker), and starting one."""

from celery import shared_task
from django.db import transaction

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

    The task is sent once the job row is committed (with no broker it runs at
    once, in this process, and the job is finished when this returns).
    """
    validate_print_options(layout=layout, category=category)
    job = BadgePrintJob.objects.create(
        conference=conference, layout=layout, category=category or "", not_printed=not_printed, created_by=user
    )
    transaction.on_commit(lambda: render_print_job.delay(job.pk))
    return job
