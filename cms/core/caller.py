"""Who is calling: the one identity of a request that every service function takes (DESIGN.md §5, "Channels").

The API, the website and the kiosk make a `Caller` at their entry point and hand it to the service, which
decides every limit and rule from it; so no channel can keep a rule another skips.
"""

import hashlib
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from cms.core.enums import Channel

ID_HEADER = "X-Id-Number"  # the ID number of a lookup travels here or in the body, never in a URL
ID_SOURCE_HEADER = "X-Id-Number-Source"  # "card" from a kiosk that read it from the ID card itself

if TYPE_CHECKING:
    from cms.devices.models import KioskDevice


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For; an IPv6
    caller by its /64, which one household or phone usually holds whole."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.API_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Our proxies append, so only the entry the outermost of them wrote can be trusted.
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Caller:
    """Channel, address, device or staff user, and the ID number the caller presents as their own.

    `proven`: the ID number was read from the card itself (a kiosk's card reader) or vouched for by the real-name
    identity provider the caller signed in with (cms/identity), not typed.
    `phone`: a phone number the caller confirmed with a one-time code (cms/identity/codes.py): a typed ID number
    with it is a *claimed* identity, whose limits fall on this phone (DESIGN.md §5).
    `session`: a digest of the web session, which scopes the website's idempotency keys.
    """

    channel: str
    address: str = ""
    device: "KioskDevice | None" = None
    user: object = None
    id_number: str = ""
    proven: bool = False
    session: str = ""
    phone: str = ""

    @classmethod
    def of(
        cls, request, channel: str, device=None, id_number: str = "", proven: bool = False, phone: str = ""
    ) -> "Caller":
        session = ""
        if channel == Channel.WEB and getattr(request, "session", None) is not None:
            if request.session.session_key is None:
                request.session.save()
            session = hashlib.sha256(request.session.session_key.encode()).hexdigest()[:32]
        return cls(channel, client_address(request), device, None, (id_number or "").strip(), proven, session, phone)

    @classmethod
    def staff(cls, user, request=None) -> "Caller":
        return cls(Channel.STAFF, client_address(request) if request is not None else "", user=user)

    def presenting(self, id_number: str) -> "Caller":
        """The same caller, naming `id_number` (typed into a form field) as theirs."""
        return Caller(
            self.channel,
            self.address,
            self.device,
            self.user,
            (id_number or "").strip(),
            False,
            self.session,
            self.phone,
        )

    @property
    def label(self) -> str:
        """Who acted, for a record's history: the staff user, the kiosk, or the channel."""
        if self.user is not None:
            return self.user.get_username()
        return self.device.name if self.device is not None else self.channel

    @property
    def scope(self) -> str:
        """Whose idempotency keys these are: a kiosk's, a web session's, or an address's."""
        if self.device is not None:
            return f"device:{self.device.pk}"
        if self.session:
            return f"session:{self.session}"
        return f"address:{self.address}"


SYSTEM = Caller(Channel.SYSTEM)
