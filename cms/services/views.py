"""The reform dashboard (督查考核): public page, CSV export, and the same page inside the admin."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.centres.models import CentrePage
from cms.hall.services import RECENT_DAYS, hall_figures
from cms.services.dashboard import bar_chart, current_report, report_csv
from guides import clock


def _context() -> dict:
    report = current_report()
    return {
        "report": report,
        "chart": bar_chart(report.total),
        "today": clock.today(),
        "groups": [
            (_("Per window category"), report.categories, "by-category"),
            (_("Per department"), report.departments, "by-department"),
        ],
    }


def _hall() -> dict:
    """The hall's figures with each centre's names, for the public page."""
    names = {c.code: (c.title, c.name_en) for c in CentrePage.objects.live()}
    queues = []
    for queue in hall_figures():
        name, name_en = names.get(queue["centre"], (queue["centre"], ""))
        queues.append(queue | {"centre_name": name, "centre_name_en": name_en})
    return {"days": RECENT_DAYS, "queues": queues}


def dashboard(request):
    return render(request, "services/dashboard.html", _context() | {"hall": _hall()})


def dashboard_csv(request):
    response = HttpResponse(report_csv(current_report()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="onetrip-metrics-{clock.today():%Y-%m-%d}.csv"'
    return response


def admin_dashboard(request):
    return render(request, "services/admin_dashboard.html", _context())
