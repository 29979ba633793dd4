"""A refusal on a page: in the page's language only (the API gives both)."""

import math

from django import template
from django.utils import translation

register = template.Library()


@register.simple_tag
def refusal_text(refusal) -> str:
    return refusal.speak(translation.get_language() or "")


@register.filter
def minutes_up(seconds) -> int:
    """Seconds to wait, as whole minutes (rounded up: "try in 0 minutes" would be wrong)."""
    return max(1, math.ceil((seconds or 0) / 60))
