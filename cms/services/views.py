"""The reform dashboard (督查考核): public page, CSV export, and the same page inside the admin."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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


def dashboard(request):
    return render(request, "services/dashboard.html", _context())


def dashboard_csv(request):
    response = HttpResponse(report_csv(current_report()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="onetrip-metrics-{clock.today():%Y-%m-%d}.csv"'
    return response


def admin_dashboard(request):
    return render(request, "services/admin_dashboard.html", _context())
