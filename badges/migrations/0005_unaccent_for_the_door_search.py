"""The door's search ignores accents: PostgreSQL's unaccent extension (nothing on SQLite)."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("badges", "0004_checkin_per_day_and_session")]

    operations = [UnaccentExtension()]
