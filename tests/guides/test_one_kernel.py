"""The kiosk checks a citizen's details by the server's own rules (`guides.applicants`): what one channel
accepts, every channel accepts, so nothing typed at a kiosk is refused only after it is sent."""

import pytest

from guides import applicants
from kiosk.viewmodels import forms


def _server_accepts(check, value) -> bool:
    try:
        check(value)
    except applicants.FieldError:
        return False
    return True


@pytest.mark.parametrize(
    "phone",
    [
        "13800138000",
        "+86 138 0013 8000",
        "138 0013 8000",
        "0573-85012345",
        "057385012345",
        "(0573)85012345",
        "12800138000",
        "1380013800",
        "+1 415 555 0100",
        "abc",
    ],
)
def test_the_kiosk_takes_a_phone_number_exactly_when_the_server_does(phone):
    assert (forms.check_phone(phone) is None) == _server_accepts(applicants.check_phone, phone)


@pytest.mark.parametrize("name", ["张三", "  王 小 明  ", "李" * 50, "李" * 51])
def test_the_kiosk_takes_a_name_exactly_when_the_server_does(name):
    assert (forms.check_name(name) is None) == _server_accepts(applicants.check_name, name)
