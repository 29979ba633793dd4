"""The hall's groups (issue 20, "Roles"): what each may do; `StaffPost` says at which centre."""

from django.contrib.auth.models import Group, Permission

CLERKS = "窗口人员 Window clerks"
VOLUNTEERS = "志愿者 Volunteers"
CENTRE_LEADS = "中心负责人 Centre leads"

GROUPS = {
    CLERKS: ["serve_counter", "view_ticket"],
    VOLUNTEERS: ["help_visitors"],
    CENTRE_LEADS: ["serve_counter", "help_visitors", "view_ticket", "view_counter", "view_helprequest"],
}


def ensure_hall_groups() -> list[Group]:
    """Create the three groups with exactly their permissions (idempotent)."""
    groups = []
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="hall", codename__in=codenames))
        groups.append(group)
    return groups
