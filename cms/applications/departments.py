"""Which applications a staff user may see and work: their department's (membership of its group).

Department membership is the editors' group that cms.services gives each department: its staff edit
the department's guides and handle the applications for them. Superusers see every department's.
"""

from django.db.models import QuerySet

from cms.applications.models import Application
from cms.services.models import Department


def department_ids(user) -> frozenset[int] | None:
    """The departments whose applications `user` works, or None for every department (superusers)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    return frozenset(Department.objects.filter(editors__in=user.groups.all()).values_list("id", flat=True))


def may_handle_applications(user) -> bool:
    ids = department_ids(user)
    return ids is None or bool(ids)


def visible_to(user) -> QuerySet[Application]:
    ids = department_ids(user)
    applications = Application.objects.select_related("department", "centre")
    return applications if ids is None else applications.filter(department_id__in=ids)
