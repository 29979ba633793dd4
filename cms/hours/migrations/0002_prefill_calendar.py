"""Prefill the city calendar from the `holidays` package: the official years it knows, and the next
year's statutory festivals as estimates (editors enter the official 调休 when it is announced)."""

from django.db import migrations

from cms.hours.prefill import prefill
from guides.calendar import last_announced_year


def forwards(apps, schema_editor):
    known = last_announced_year()
    prefill(list(range(known - 1, known + 2)), model=apps.get_model("hours", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("hours", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
