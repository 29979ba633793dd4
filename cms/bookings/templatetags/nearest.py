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
    # English pages send the English name: no Chinese in an English page's markup.
    by_name = {**geo.towns(), **{t.name_en: t for t in geo.towns().values()}}
    chosen, error, items = by_name.get(town), "", None
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
