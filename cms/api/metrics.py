"""`GET /api/v1/metrics`: the reform dashboard's figures, against the policy's targets."""

from ninja import Router

from cms.hall.on_time import with_on_time
from cms.hall.services import RECENT_DAYS, hall_figures
from cms.services.dashboard import current_report, report_json

router = Router(tags=["metrics"])


@router.get("")
def get_metrics(request) -> dict:
    """Overall, per window category and per department: value (fraction), percent, target, met; and `hall`:
    the service hall's figures per centre and category over the last 30 days (tickets issued, served,
    no-shows, left at closing; wait and service time in minutes, mean and 90th percentile) and `applications`:
    those decided, those decided within the committed time limit, and the on-time share."""
    queues = with_on_time(hall_figures(), RECENT_DAYS)
    return report_json(current_report()) | {"hall": {"days": RECENT_DAYS, "queues": queues}}
