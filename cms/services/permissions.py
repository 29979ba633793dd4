"""Department editors may edit only their own department's guides.

Wagtail grants page permissions per subtree, and guides are arranged per window category, so a
department's editors get add/change on the seven category indexes and this tester narrows that to
the guides whose lead department is theirs. Users in no department's editors' group (reviewers,
superusers, the city's own editors) keep Wagtail's permissions unchanged.
"""

from wagtail.models import PagePermissionTester

REVIEWERS = "审核员 Reviewers"


def editable_department_ids(user) -> frozenset[int] | None:
    """The departments whose guides `user` may edit, or None when department does not limit them."""
    if not user.is_authenticated or user.is_superuser:
        return None
    cached = getattr(user, "_onetrip_departments", False)
    if cached is not False:
        return cached
    from cms.services.models import Department

    groups = user.groups.all()
    ids = frozenset(Department.objects.filter(editors__in=groups).values_list("id", flat=True))
    limited = ids if ids and not groups.filter(name=REVIEWERS).exists() else None
    user._onetrip_departments = limited  # one query per request, not one per page in a listing
    return limited


class DepartmentPermissionTester(PagePermissionTester):
    """Wagtail's tester, with everything but adding a guide denied where the department is not the user's."""

    def __init__(self, user, page):
        super().__init__(user, page)
        allowed = editable_department_ids(user)
        self.outside_department = allowed is not None and getattr(page, "department_id", None) not in allowed

    def can_edit(self):
        return not self.outside_department and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return not self.outside_department and super().can_delete(ignore_bulk)

    def can_publish(self):
        return not self.outside_department and super().can_publish()

    def can_unpublish(self):
        return not self.outside_department and super().can_unpublish()

    def can_lock(self):
        return not self.outside_department and super().can_lock()

    def can_unlock(self):
        return not self.outside_department and super().can_unlock()

    def can_submit_for_moderation(self):
        return not self.outside_department and super().can_submit_for_moderation()

    def can_view_revisions(self):
        return not self.outside_department and super().can_view_revisions()

    def can_reorder_children(self):
        return not self.outside_department and super().can_reorder_children()
