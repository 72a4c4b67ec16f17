"""The Celery application.

With no ``CELERY_BROKER_URL`` every task runs eagerly in the calling process
(the embedded default); with ``CELERY_BROKER_URL=redis://...`` tasks go to
workers started with ``celery -A conference worker``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

app = Celery("conference")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules inside an app's packages, which autodiscovery (``<app>.tasks``) does not see.
app.autodiscover_tasks(["registration.outbox"])
