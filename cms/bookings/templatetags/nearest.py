"""`{% nearest_centres page %}`: the guide page's 就近跑一次 list (the guide page's app sits below bookings)."""

from django import template

from cms.bookings.nearest import nearest_centres as find
from guides import geo

register = template.Library()


@register.inclusion_tag("bookings/_nearest.html", takes_context=True)
def nearest_centres(context, guide):
    request = context["request"]
    town = request.GET.get("town", "").strip()
    near = request.GET.get("near", "").strip()
    chosen, error, items = geo.towns().get(town), "", None
    if chosen is not None:
        items = find(guide, chosen.latitude, chosen.longitude)
    elif near:
        try:
            items = find(guide, *geo.parse_point(near))
        except ValueError:
            error = "near"
    elif town:
        error = "town"
    return {"guide": guide, "towns": list(geo.towns().values()), "town": town, "items": items, "error": error}
