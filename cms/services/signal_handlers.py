"""A new department gets its editors' group at once, whether created in the admin or by an import."""

from django.db.models.signals import post_save

from cms.services.editorial import ensure_department_editors
from cms.services.models import Department


def _department_saved(sender, instance: Department, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        ensure_department_editors(instance)


def connect() -> None:
    post_save.connect(_department_saved, sender=Department, dispatch_uid="services-department-editors")
