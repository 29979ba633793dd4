"""Content-Security-Policy (django-csp): strict on the public site and the API (CONTENT_SECURITY_POLICY
in cms/settings/base.py), looser under /admin/.

The site's templates load scripts, styles and images from our own origin only; a few `style="…"`
attributes (bar widths) need style-src-attr, and the dashboard's SVG charts one <style>, let in by
its hash. Wagtail's admin writes inline scripts and styles throughout its templates and frames its
own preview, so it gets those allowances — on its own paths only, which need a staff login.
"""

import base64
import hashlib
from functools import cache

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"
ADMIN_POLICY = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],
    "worker-src": [SELF, "blob:"],
}


@cache
def chart_style_hash() -> str:
    """The dashboard's server-rendered SVG charts carry one fixed <style>; its hash lets exactly it in."""
    from cms.services.dashboard import _CHART_STYLE

    return "'sha256-" + base64.b64encode(hashlib.sha256(_CHART_STYLE.encode()).digest()).decode() + "'"


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware: the chart style's hash on the site, Wagtail's allowances under /admin/."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if not request.path_info.startswith(ADMIN_PREFIX):
            parts.update = {"style-src": [chart_style_hash()], **(parts.update or {})}
        else:
            # script-src without the nonce: next to one, browsers ignore 'unsafe-inline'.
            parts.replace = {**ADMIN_POLICY, **(parts.replace or {})}
        return parts
