"""What API tests share: the error shape, and a kiosk's device token (needs the test database)."""


def assert_error(response, status, code, field=None) -> dict:
    """`response` is the API's error shape (DESIGN.md §6) with this status and code, a message in Chinese
    and English ("中文 / English"), and `field` among its fields if given; its body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and " / " in body["error"]["message"], body
    if field:
        assert field in body["error"]["fields"], body
    return body


def kiosk_token(name: str, centre: str = "city") -> str:
    """A new kiosk device at `centre`; its bearer token."""
    from cms.centres.models import CentrePage
    from cms.devices.models import KioskDevice

    device = KioskDevice(name=name, centre=CentrePage.objects.get(code=centre))
    token = device.issue_token()
    device.save()
    return token
