"""The HTTP JSON API under /api/v1/ (DESIGN.md §6). Other apps add their routers here."""

from ninja import NinjaAPI

from cms.api.guides import categories_router
from cms.api.guides import router as guides_router
from cms.core import errors

api = NinjaAPI(
    title="OneTrip API",
    version="1",
    description="最多跑一次 — service guides, centres, slots, bookings and applications.",
    urls_namespace="api_v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/guides", guides_router)
api.add_router("/categories", categories_router)
api.add_router("/centres", "cms.api.centres.router")
api.add_router("/slots", "cms.bookings.api.slots_router")
api.add_router("/bookings", "cms.bookings.api.bookings_router")
api.add_router("/bookings", "cms.api.check_in.router")
api.add_router("/applications", "cms.applications.api.router")
api.add_router("/changes", "cms.changes.api.router")
api.add_router("/metrics", "cms.api.metrics.router")
api.add_router("/tickets", "cms.hall.api.tickets_router")
api.add_router("/counters", "cms.hall.api.counters_router")
api.add_router("/help-requests", "cms.hall.api.help_router")
api.add_router("/phone-codes", "cms.identity.api.router")
api.add_router("/privacy-notice", "cms.identity.api.notice_router")
