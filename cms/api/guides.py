"""`/api/v1/guides`: list or search guides, one guide with every standard field, and the centres nearest
for it."""

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from cms.bookings.nearest import nearest_centres
from cms.centres.models import CentrePage
from cms.core.errors import ErrorBody
from cms.core.etag import etag
from cms.core.urls import absolute
from cms.search import log as search_log
from cms.search.service import search_guides
from cms.services.models import ServiceGuidePage
from cms.services.standard import guide_from_page
from guides import clock, geo
from guides.enums import WindowCategory
from guides.refusal import Refusal, Text
from guides.schema import Guide

router = Router(tags=["guides"])
categories_router = Router(tags=["guides"])


class GuideListItem(Schema):
    code: str
    name: str
    name_en: str
    category: str
    category_slug: str
    category_en: str
    department: str
    department_en: str
    summary: str
    summary_en: str
    immediate: bool
    visits: int
    online: bool
    url: str
    highlight: str = Field("", description="with q: the passage that matched, HTML-escaped, matches in <mark>")


class GuideList(Schema):
    items: list[GuideListItem]
    count: int


class GuideDetail(Guide):
    category_slug: str
    url: str


class GuideFilters(Schema):
    q: str = Field("", max_length=100, description="Chinese, pinyin, initials or English")
    category: str = Field("", description="window category: its Chinese name or slug (e.g. police)")
    centre: str = Field("", description="centre code")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)  # past any catalogue; SQLite refuses offsets beyond 64 bits


def _category(value: str) -> str:
    if value in set(WindowCategory):
        return value
    try:
        return WindowCategory.from_slug(value).value
    except KeyError:
        slugs = ", ".join(c.slug for c in WindowCategory)
        raise Refusal(
            400,
            "invalid",
            "窗口类别无效",
            "unknown window category",
            {"category": Text(f"应为以下之一：{slugs}", f"one of: {slugs}")},
        ) from None


def _url(request, page: ServiceGuidePage) -> str:
    return absolute(page.url, request)


@router.get("", response={200: GuideList, 400: ErrorBody})
@etag
def list_guides(request, filters: Query[GuideFilters]):
    pages = ServiceGuidePage.objects.live().select_related("department").order_by("code")
    if filters.category:
        pages = pages.filter(category=_category(filters.category))
    if filters.centre:
        pages = pages.filter(centre_links__centre__code=filters.centre)
    highlights = {}
    if filters.q.strip():
        found = search_guides(
            filters.q,
            category=_category(filters.category) if filters.category else None,
            centre=filters.centre or None,
            limit=filters.limit,
            offset=filters.offset,
        )
        if filters.offset == 0:  # a search, not the next page of one
            search_log.record_search(filters.q, found.total)
        highlights = {hit.code: hit.snippet_html for hit in found.hits}
        ranked = {p.code: p for p in pages.filter(code__in=list(highlights))}
        count, window = found.total, [ranked[code] for code in highlights if code in ranked]
    else:
        count = pages.count()
        window = pages[filters.offset : filters.offset + filters.limit]
    items = [
        {
            "code": p.code,
            "name": p.title,
            "name_en": p.name_en,
            "category": p.category,
            "category_slug": WindowCategory(p.category).slug,
            "category_en": WindowCategory(p.category).label_en,
            "department": p.department.name,
            "department_en": p.department.name_en,
            "summary": p.summary,
            "summary_en": p.summary_en,
            "immediate": p.immediate,
            "visits": p.channels_visits,
            "online": p.channels_online,
            "url": _url(request, p),
            "highlight": highlights.get(p.code, ""),
        }
        for p in window
    ]
    return {"items": items, "count": count}


@router.get("/{code}", response={200: GuideDetail, 404: ErrorBody})
@etag
def get_guide(request, code: str):
    page = get_object_or_404(ServiceGuidePage.objects.live(), code=code.upper())
    guide = guide_from_page(page)
    return {**guide.model_dump(), "category_slug": guide.category.slug, "url": _url(request, page)}


class CategoryItem(Schema):
    category: str
    category_slug: str
    category_en: str
    guides: int = Field(description="live guides in this window category")


class CategoryList(Schema):
    items: list[CategoryItem]
    count: int


@categories_router.get("", response={200: CategoryList})
@etag
def list_categories(request):
    """The seven window categories (一窗受理), in the hall's order, with their guide counts."""
    rows = ServiceGuidePage.objects.live().order_by().values("category").annotate(n=Count("id"))
    counts = {row["category"]: row["n"] for row in rows}
    items = [
        {"category": c.value, "category_slug": c.slug, "category_en": c.label_en, "guides": counts.get(c.value, 0)}
        for c in WindowCategory
    ]
    return {"items": items, "count": len(items)}


class NearbyCentre(Schema):
    id: str = Field(description="the centre's code")
    name: str
    name_en: str
    kind: str
    town: str
    address: str
    address_en: str
    phone: str
    latitude: float
    longitude: float
    distance_km: float = Field(description="as the crow flies from the origin, to 0.1 km")
    open_now: bool = Field(description="the guide's window category is open now")
    next_opening: dt.datetime | None = Field(description="when closed now: when the category next opens")
    first_free_slot: dt.datetime | None = Field(description="earliest bookable slot with a place left")
    first_free_slot_id: int | None
    url: str


class NearbyList(Schema):
    origin: dict[str, float]
    items: list[NearbyCentre]
    count: int


class NearbyQuery(Schema):
    town: str = Field("", max_length=20, description="a town or street of the county, e.g. 乍浦镇")
    near: str = Field("", max_length=60, description="WGS-84 'latitude,longitude', e.g. 30.70,121.02")
    centre: str = Field("", max_length=40, description="a centre's code: a kiosk asks from its own centre")


def _origin(query: NearbyQuery) -> tuple[float, float]:
    given = [name for name in ("town", "near", "centre") if getattr(query, name).strip()]
    if len(given) != 1:
        return _refuse("town", "请给出 town、near 或 centre 之一", "give one of town, near or centre")
    if query.town.strip():
        town = geo.towns().get(query.town.strip())
        if town is None:
            names = "、".join(geo.towns())
            return _refuse("town", f"应为以下之一：{names}", f"one of: {names}")
        return town.latitude, town.longitude
    if query.near.strip():
        try:
            return geo.parse_point(query.near.strip())
        except ValueError as error:
            return _refuse("near", "应为 纬度,经度（WGS-84），如 30.70,121.02", f"latitude,longitude (WGS-84): {error}")
    centre = CentrePage.objects.live().filter(code=query.centre.strip().lower()).first()
    if centre is None:
        return _refuse("centre", "中心编码有误", "unknown centre code")
    return centre.latitude, centre.longitude


def _refuse(field: str, zh: str, en: str):
    raise Refusal(400, "invalid", "位置参数无效", "invalid location", {field: Text(zh, en)})


@router.get("/{code}/centres", response={200: NearbyList, 400: ErrorBody, 404: ErrorBody})
def guide_centres(request, code: str, query: Query[NearbyQuery]):
    """就近跑一次: the centres handling the guide, nearest first, with next opening and first free slot."""
    page = get_object_or_404(ServiceGuidePage.objects.live(), code=code.upper())
    lat, lng = _origin(query)
    items = [
        {
            "id": n.centre.code,
            "name": n.centre.title,
            "name_en": n.centre.name_en,
            "kind": n.centre.kind,
            "town": n.centre.town,
            "address": n.centre.address,
            "address_en": n.centre.address_en,
            "phone": n.centre.phone,
            "latitude": n.centre.latitude,
            "longitude": n.centre.longitude,
            "distance_km": n.distance_km,
            "open_now": n.open_now,
            "next_opening": n.next_opening,
            "first_free_slot": n.first_free_slot.start if n.first_free_slot else None,
            "first_free_slot_id": n.first_free_slot.pk if n.first_free_slot else None,
            "url": absolute(n.centre.url, request),
        }
        for n in nearest_centres(page, lat, lng, clock.now())
    ]
    return {"origin": {"latitude": lat, "longitude": lng}, "items": items, "count": len(items)}
