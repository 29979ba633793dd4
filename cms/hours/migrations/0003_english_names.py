"""English names for the city calendar's days and closures; the days prefilled from the `holidays`
package get theirs from the package's own years (days an editor entered are left for the editor)."""

from django.db import migrations, models

from cms.hours.prefill import prefill
from guides.calendar import Source, last_announced_year


def name_prefilled_days(apps, schema_editor):
    model = apps.get_model("hours", "CalendarDay")
    known = last_announced_year()
    years = {d.year for d in model.objects.exclude(source=Source.EDITOR).values_list("date", flat=True)}
    prefill(sorted(years | set(range(known - 1, known + 2))), model=model)


class Migration(migrations.Migration):

    dependencies = [
        ('hours', '0002_prefill_calendar'),
    ]

    operations = [
        migrations.AddField(
            model_name='calendarday',
            name='name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='英文名称 English name'),
        ),
        migrations.AddField(
            model_name='closure',
            name='reason_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='原因（英文）reason (English)'),
        ),
        migrations.RunPython(name_prefilled_days, migrations.RunPython.noop),
    ]
