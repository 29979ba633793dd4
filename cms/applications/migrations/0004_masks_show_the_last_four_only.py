"""Masked identifiers kept on applications show the last four characters only (they showed the region too)."""

from django.db import migrations


def last_four(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    for pk, masked in Application.objects.values_list("pk", "identifier_masked").iterator():
        if len(masked) > 4:
            Application.objects.filter(pk=pk).update(identifier_masked="*" * (len(masked) - 4) + masked[-4:])


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_scoped_idempotency_one_channel_list")]
    operations = [migrations.RunPython(last_four, migrations.RunPython.noop)]
