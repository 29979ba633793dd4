"""我的预约 · 我的办件 in every page's header: a signed-in person's lists, or, for anyone else, the pages that find
a booking or an application by its code (issue 18, "ways back in")."""

from django import template

from cms.identity.session import SESSION_KEY

register = template.Library()


@register.inclusion_tag("people/_ways_back_in.html", takes_context=True)
def ways_back_in(context) -> dict:
    request = context.get("request")
    session = getattr(request, "session", None)
    # Whether a sign-in is held, without decrypting it: the lists themselves check who it is.
    return {"signed_in": bool(session is not None and session.get(SESSION_KEY))}
