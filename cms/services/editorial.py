"""The editorial set-up: reviewers, the review workflow, and one editors' group per department.

Draft → submitted for review (the page locks for everyone but reviewers) → approved and published.
Idempotent: `manage.py setup_editorial` (run by `load_demo`) brings any site up to this state.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.services.models import Department, GuideIndexPage
from cms.services.permissions import REVIEWERS

WORKFLOW = "指南审核 Guide review"
REVIEW_TASK = "审核员审核 Reviewer approval"
REVIEWER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]  # no publish: editors submit for review


def _page_permissions(codenames: list[str]) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames))


def _grant(group: Group, page: Page, permissions: list[Permission]) -> None:
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


@transaction.atomic
def ensure_review_workflow(home: Page) -> Workflow:
    """The reviewers' group with page permissions over the whole site, and the workflow on the home page."""
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.add(
        _admin_access(),
        *Permission.objects.filter(content_type__app_label="services", codename__endswith="_department"),
    )
    _grant(reviewers, home, _page_permissions(REVIEWER_PAGE_PERMISSIONS))
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


def strip_default_groups() -> None:
    """Wagtail's own "Editors" and "Moderators" groups keep their members but lose every right: Moderators
    could publish anywhere, past the departments' boundaries and the review workflow."""
    for group in Group.objects.filter(name__in=("Editors", "Moderators")):
        group.permissions.clear()
        GroupPagePermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.filter(group=group).delete()


@transaction.atomic
def ensure_department_editors(department: Department) -> Group:
    """The department's editors' group: admin access, add and change on every category index.

    `cms.services.permissions` narrows that to the department's own guides.
    """
    group = department.editors
    if group is None:
        group, _ = Group.objects.get_or_create(name=f"编辑 · {department.name}"[:150])
        department.editors = group
        department.save(update_fields=["editors"])
    group.permissions.add(_admin_access())
    permissions = _page_permissions(EDITOR_PAGE_PERMISSIONS)
    for index in GuideIndexPage.objects.all():
        _grant(group, index, permissions)
    return group
