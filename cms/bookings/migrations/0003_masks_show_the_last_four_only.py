"""Masked ID numbers kept on bookings show the last four characters only (they showed the region too)."""

from django.db import migrations


def last_four(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    for pk, masked in Booking.objects.values_list("pk", "id_masked").iterator():
        if len(masked) > 4:
            Booking.objects.filter(pk=pk).update(id_masked="*" * (len(masked) - 4) + masked[-4:])


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_scoped_idempotency_one_channel_list")]
    operations = [migrations.RunPython(last_four, migrations.RunPython.noop)]
