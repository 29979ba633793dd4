"""Production settings without rate limits, for `booking_bench.py --counters`: a booking touches no counter."""

from cms.settings.production import *  # noqa: F403

API_RATE_LIMITS = {}
