"""`GET /api/v1/metrics`: the reform dashboard's figures, against the policy's targets."""

from ninja import Router

from cms.services.dashboard import current_report, report_json

router = Router(tags=["metrics"])


@router.get("")
def get_metrics(request) -> dict:
    """Overall, per window category and per department: value (fraction), percent, target, met."""
    return report_json(current_report())
