"""The hall's pages: the calling display (public: ticket numbers and windows only), the window clerk's desk
and the volunteers' list of help requests (signed-in staff with the permission, at their own centre)."""

import secrets

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.applications import services as applications
from cms.applications.enums import ApplicantKind, DeliveryMethod
from cms.centres.models import CentrePage
from cms.core.caller import Caller
from cms.core.errors import error_body
from cms.hall import services, speech
from cms.hall.enums import TicketStatus
from cms.hall.models import Counter
from cms.identity.privacy import NOTICE_VERSION
from cms.services.models import ServiceGuidePage
from guides import clock
from guides.enums import WindowCategory
from guides.hours import TZ
from guides.refusal import Refusal

SERVE = "hall.serve_counter"
HELP = "hall.help_visitors"
POLL_MS = 1000  # the display asks each second, so a call shows within two


def _centre(code: str) -> CentrePage:
    return get_object_or_404(CentrePage.objects.live(), code=code)


def display(request, centre: str):
    """叫号屏: the hall's screen. It polls `state.json` from our own origin and speaks each new call."""
    page = _centre(centre)
    return render(
        request,
        "hall/display.html",
        {"centre": page, "state_url": reverse("hall:display_state", args=[page.code]), "poll_ms": POLL_MS},
    )


@never_cache
def display_state(request, centre: str):
    return JsonResponse(services.display_state(_centre(centre)))


def call_audio(request, centre: str, ticket: str, window: str):
    """The call spoken by the server (cms/hall/speech.py), for the display to play: Mandarin, then English."""
    page = _centre(centre)
    try:
        path = speech.clip_for_call(page, ticket, int(window))
    except Refusal as refusal:
        return JsonResponse(error_body(refusal.code, refusal.message), status=refusal.status)
    answer = FileResponse(path.open("rb"), content_type="audio/wav")
    answer["Cache-Control"] = "public, max-age=86400"  # a ticket's call at a window never changes
    return answer


def _staff_at(request, centre_id: int, permission: str):
    """None if the signed-in user may act here; else the answer (to the sign-in page, or 403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
    if not services.may_act_at(request.user, centre_id, permission):
        raise PermissionDenied
    return None


def desks(request):
    """The windows of the signed-in clerk's centres, to choose the one they sit at."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
    if not request.user.has_perm(SERVE):
        raise PermissionDenied
    counters = Counter.objects.select_related("centre").filter(revoked_at__isnull=True)
    if not request.user.is_superuser:
        counters = counters.filter(centre__in=request.user.hall_posts.values("centre"))
    return render(request, "hall/desks.html", {"counters": counters})


DESK_ACTIONS = {
    "call-next": services.call_next,
    "recall": services.recall,
    "start": services.start,
    "done": services.done,
    "no-show": services.no_show,
}


RECEIPT_ACTIONS = {"application": services.link_application, "hand-over": services.hand_over}


class _Apply:
    """The window's new application (前台综合受理) on the desk page: the guide's generated form, the values as
    posted (kept on a refusal, the ID number too: the clerk typed it from the card) and the errors by field."""

    def __init__(self, counter: Counter, code: str, values: dict):
        self.code = (code or "").strip().upper()
        self.values = values
        self.error = ""
        self.errors: dict[str, str] = {}
        self.form = None
        if self.code:
            try:
                self.form = applications.form_for(applications.window_guide(self.code))
            except Refusal as refusal:
                self.refused(refusal)
        if self.form is not None:
            pickup_here = any(c.pk == counter.centre_id for c in self.form.centres)
            values.setdefault("applicant_kind", self.form.applicant_kinds[0])
            values.setdefault("delivery", self.form.deliveries[0])
            values.setdefault("centre", counter.centre.code if pickup_here else "")
        values.setdefault("form_key", secrets.token_urlsafe(24))

    def refused(self, refusal: Refusal) -> None:
        self.error, self.errors = refusal.message, refusal.field_messages()

    def context(self) -> dict:
        return {
            "form": self.form,
            "guide": self.form.guide if self.form else None,
            "code": self.code,
            "values": self.values,
            "errors": self.errors,
            "error": self.error,
            "kinds": ApplicantKind,
            "methods": DeliveryMethod,
            "keep_id": True,
            "notice_version": NOTICE_VERSION,  # the citizen at the window agrees as one online does
            "rows": applications.material_rows(self.form, self.values, self.errors) if self.form else [],
        }


def _accept(request, counter: Counter, caller: Caller, apply: _Apply) -> None:
    """Submit the desk's application form for the current ticket; a refusal stays on the form."""
    data = request.POST
    files = {field: request.FILES.getlist(field) for field in request.FILES}
    key = data.get("form_key", "")
    payload = {k: v for k, v in data.items() if k not in ("csrfmiddlewaretoken", "form_key")}
    payload["files"] = sorted(f"{field}:{f.name}:{f.size}" for field, group in files.items() for f in group)
    services.accept_application(
        counter,
        apply.code,
        data,
        files,
        caller,
        services.checked_card(data),
        key if 8 <= len(key) <= 100 else None,
        payload,
    )


def _act(request, action: str, counter: Counter, caller: Caller, apply: _Apply) -> str | None:
    """Do the desk's `action`; an error to show, or None. A refusal is raised."""
    if action == "transfer":
        services.transfer(counter, request.POST.get("category", ""), caller)
    elif action == "accept":
        _accept(request, counter, caller, apply)
    elif action in RECEIPT_ACTIONS:
        RECEIPT_ACTIONS[action](counter, request.POST.get("receipt", ""), caller)
    elif action in DESK_ACTIONS:
        if DESK_ACTIONS[action](counter, caller) is None:  # only call-next answers None: nobody waits
            return "无人等候 / nobody is waiting"
    elif action != "sign-in":
        raise Refusal(400, "invalid", "未知操作", "unknown action")
    return None


@require_http_methods(["GET", "POST"])
def desk(request, counter_id: int):
    """One window's desk: call, recall, start, done, no-show and transfer, link the application received for
    the ticket or accept a new one (the guide's generated form, files from the window's scanner), and at the
    pickup window hand a result over — as through the counter API.
    Acting here (or "sign in") signs the clerk in at the window: its device's calls are then recorded as theirs."""
    counter = get_object_or_404(Counter.objects.select_related("centre"), pk=counter_id, revoked_at__isnull=True)
    refused = _staff_at(request, counter.centre_id, SERVE)
    if refused is not None:
        return refused
    caller = Caller.staff(request.user, request)
    error = None
    posted = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    apply = _Apply(counter, request.POST.get("guide") or request.GET.get("guide", ""), posted)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if counter.clerk_id != request.user.pk:  # whoever acts at the window sits at it
            Counter.objects.filter(pk=counter.pk).update(clerk=request.user)
            counter.clerk = request.user
        try:
            error = _act(request, action, counter, caller, apply)
        except Refusal as refusal:
            status = refusal.status if action == "accept" else 409
            if action == "accept":
                apply.refused(refusal)
            else:
                error = refusal.message
        if error is None and status == 200:
            return redirect("hall:desk", counter_id=counter.pk)
        status = 409 if error else status
    today = clock.now().astimezone(TZ).date()
    queue = services.waiting(counter.centre_id, services.queues_of(counter), today)
    guides = ServiceGuidePage.objects.live().filter(status="active").order_by("category", "code")
    context = {
        "counter": counter,
        "current": services.current(counter),
        "waiting": {category: queue.filter(category=category).count() for category in services.queues_of(counter)},
        "served_today": counter.tickets.filter(date=today, status=TicketStatus.DONE).count(),
        "categories": list(WindowCategory),
        "error": error,
        "apply": apply.context(),
        "guides": guides.values_list("code", "title"),
    }
    return render(request, "hall/desk.html", context, status=status)


@require_http_methods(["GET", "POST"])
def volunteers(request, centre: str):
    """The centre's open help requests: which kiosk, which screen, how long it has waited; take and close."""
    page = _centre(centre)
    refused = _staff_at(request, page.pk, HELP)
    if refused is not None:
        return refused
    error = None
    if request.method == "POST":
        try:
            request_id = int(request.POST.get("request", "0"))
            act = services.take_help if request.POST.get("action") == "take" else services.close_help
            act(request_id, Caller.staff(request.user, request))
        except ValueError:
            error = "无效请求 / invalid request"
        except Refusal as refusal:
            error = refusal.message
        if error is None:
            return redirect("hall:volunteers", centre=page.code)
    now = clock.now()
    requests = [
        {"request": r, "waited": int((now - r.created_at).total_seconds() // 60)} for r in services.open_help(page)
    ]
    return render(
        request,
        "hall/volunteers.html",
        {"centre": page, "requests": requests, "error": error},
        status=409 if error else 200,
    )
