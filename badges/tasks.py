"""Background work of the badges: the bulk print (a Celery task; eager with no broker)."""

from celery import shared_task

from .models import BadgePrintJob


@shared_task(acks_late=True)
def render_print_job(job_id):
    from .services import run_print_job

    job = BadgePrintJob.objects.select_related("conference").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None
    run_print_job(job)
    return job.status
