"""The back office in the Wagtail admin: a department's staff see and work only their department's
applications (anyone else gets 404); every action goes through `services.act`, which logs it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from cms.applications import services
from cms.applications.api import file_response
from cms.applications.departments import may_handle_applications, visible_to
from cms.applications.enums import IN_PROGRESS, ApplicationStatus
from cms.core.caller import Caller
from cms.personal.masking import mask_name, mask_phone
from guides import clock
from guides.refusal import Refusal


def _require(request) -> None:
    if not may_handle_applications(request.user):
        raise PermissionDenied


@require_GET
def index(request):
    _require(request)
    applications = visible_to(request.user)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    today = clock.today()
    overdue = Q(status__in=IN_PROGRESS, paused_on__isnull=True, due_date__lt=today)  # as services.is_overdue
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        applications = applications.filter(overdue)
    page = Paginator(applications.order_by("due_date", "-created_at"), 50).get_page(request.GET.get("p"))
    rows = [
        {
            "application": a,
            "name": mask_name(a.name),
            "phone": mask_phone(a.phone),
            "overdue": services.is_overdue(a, today),
        }
        for a in page
    ]
    context = {
        "rows": rows,
        "page": page,
        "status": status,
        "overdue_only": overdue_only,
        "statuses": ApplicationStatus.choices,
        "overdue_count": visible_to(request.user).filter(overdue).count(),
    }
    return TemplateResponse(request, "applications/admin/index.html", context)


def _mine(request, pk: int):
    _require(request)
    return get_object_or_404(visible_to(request.user), pk=pk)  # another department's file: 404


@require_GET
def detail(request, pk: int):
    application = _mine(request, pk)
    context = {
        "application": application,
        "name": mask_name(application.name) if application.applicant_kind == "person" else application.name,
        "contact_name": application.contact_name,
        "phone": mask_phone(application.phone),
        "materials": application.materials.all(),
        "history": application.history.select_related("user"),
        "actions": services.actions_for(application),
        "overdue": services.is_overdue(application),
    }
    return TemplateResponse(request, "applications/admin/detail.html", context)


@require_POST
def act(request, pk: int):
    application = _mine(request, pk)
    try:
        deadline = int(request.POST.get("deadline_days") or 0)
    except ValueError:
        deadline = 0
    try:
        application = services.act(
            application,
            request.POST.get("action", ""),
            Caller.staff(request.user, request),
            reason=request.POST.get("reason", ""),
            materials=[int(p) for p in request.POST.getlist("materials") if p.isdigit()],
            deadline_days=deadline,
            tracking_number=request.POST.get("tracking_number", ""),
        )
        messages.success(request, f"{application.receipt}: {application.get_status_display()}")
    except Refusal as refusal:
        messages.error(request, f"{application.receipt}: {refusal.message}")
    return redirect("applications_admin_detail", pk=application.pk)


@require_GET
def download(request, pk: int, position: int):
    application = _mine(request, pk)
    row = get_object_or_404(application.materials.exclude(file=""), position=position)
    return file_response(row)
