"""The hall's figures for the public dashboard, asked for by its template: the dashboard (cms/services) sits
below the hall and does not import it."""

from django import template

from cms.centres.models import CentrePage
from cms.hall.on_time import with_on_time
from cms.hall.services import RECENT_DAYS, hall_figures

register = template.Library()


@register.simple_tag
def public_hall_figures() -> dict:
    """Each centre's queues over the last RECENT_DAYS, with the centre's names in both languages."""
    names = {c.code: (c.title, c.name_en) for c in CentrePage.objects.live()}
    queues = []
    for queue in with_on_time(hall_figures(), RECENT_DAYS):
        name, name_en = names.get(queue["centre"], (queue["centre"], ""))
        queues.append(queue | {"centre_name": name, "centre_name_en": name_en})
    return {"days": RECENT_DAYS, "queues": queues}
