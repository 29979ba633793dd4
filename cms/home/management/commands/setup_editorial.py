from django.core.management.base import BaseCommand

from cms.home.site import ensure_site_tree
from cms.services.editorial import ensure_department_editors, ensure_review_workflow, strip_default_groups
from cms.services.models import Department


class Command(BaseCommand):
    help = (
        "Strip Wagtail's default groups of their rights; create the reviewers' group, the review workflow "
        "and one editors' group per department (idempotent)."
    )

    def handle(self, *args, **options):
        strip_default_groups()
        home = ensure_site_tree()
        workflow = ensure_review_workflow(home)
        groups = [ensure_department_editors(d) for d in Department.objects.select_related("editors")]
        self.stdout.write(f"editorial: workflow '{workflow.name}', {len(groups)} department editors' groups")
