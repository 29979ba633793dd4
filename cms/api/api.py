"""The HTTP JSON API under /api/v1/ (DESIGN.md §6). Other apps add their routers here."""

from ninja import NinjaAPI

from cms.api import errors
from cms.services.api import router as guides_router

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
