"""The Tencent Cloud SMS backend through its official SDK, against a local stand-in for the provider's HTTP API
(the SDK's endpoint pointed at it): the request it signs and sends, and what a refusal becomes."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cms.identity.sms import SmsError, TencentCloudBackend


class StandIn(BaseHTTPRequestHandler):
    answer: dict = {}
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"headers": dict(self.headers), "body": body})
        payload = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    StandIn.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def backend(server) -> TencentCloudBackend:
    return TencentCloudBackend(
        "AKID-test",
        "secret-test",
        "1400000000",
        "平湖政务",
        "123456",
        endpoint=f"127.0.0.1:{server.server_port}",
        protocol="http",
        timeout=5,
    )


def test_the_code_goes_out_as_a_signed_send_sms_request(provider):
    StandIn.answer = {
        "Response": {
            "SendStatusSet": [
                {"SerialNo": "1", "PhoneNumber": "+8613900000001", "Code": "Ok", "Message": "send success"}
            ],
            "RequestId": "r-1",
        }
    }
    backend(provider).send_code("13900000001", "123456", 5)
    (request,) = StandIn.seen
    assert request["headers"]["X-TC-Action"] == "SendSms" and request["headers"]["X-TC-Version"] == "2021-01-11"
    assert request["headers"]["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID-test/")
    assert request["body"] == {
        "PhoneNumberSet": ["+8613900000001"],
        "SmsSdkAppId": "1400000000",
        "TemplateId": "123456",
        "SignName": "平湖政务",
        "TemplateParamSet": ["123456", "5"],
    }


@pytest.mark.parametrize(
    "answer",
    [
        {"Response": {"Error": {"Code": "AuthFailure.SecretIdNotFound", "Message": "no"}, "RequestId": "r-2"}},
        {"Response": {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}], "RequestId": "r-3"}},
    ],
    ids=["refused", "not delivered"],
)
def test_a_refusal_is_an_sms_error(provider, answer):
    StandIn.answer = answer
    with pytest.raises(SmsError):
        backend(provider).send_code("13900000001", "123456", 5)


@pytest.mark.django_db
def test_a_text_that_cannot_be_sent_answers_503_and_leaves_no_code(client, settings, provider):
    from cms.identity.models import PhoneCode

    StandIn.answer = {"Response": {"Error": {"Code": "InternalError", "Message": "down"}, "RequestId": "r-4"}}
    settings.SMS_BACKEND = "cms.identity.sms.TencentCloudBackend"
    settings.SMS_OPTIONS = {
        "secret_id": "AKID-test",
        "secret_key": "secret-test",
        "app_id": "1400000000",
        "sign_name": "平湖政务",
        "template_id": "123456",
        "endpoint": f"127.0.0.1:{provider.server_port}",
        "protocol": "http",
    }
    response = client.post("/api/v1/phone-codes", {"phone": "13900000001"}, content_type="application/json")
    assert response.status_code == 503 and response.json()["error"]["code"] == "sms_unavailable"
    assert not PhoneCode.objects.exists()


def test_a_notice_goes_out_with_its_own_approved_template(provider):
    """Providers send only approved templates: the hall's "three ahead" notice has its own, with its parameters."""
    StandIn.answer = {"Response": {"SendStatusSet": [{"Code": "Ok"}], "RequestId": "r-5"}}
    sender = backend(provider)
    with pytest.raises(SmsError, match="no template configured for the near_turn notice"):
        sender.send_notice("13900000001", "near_turn", ["平湖市行政服务中心", "F012", "公安服务", "3"])
    assert StandIn.seen == []  # nothing sent without a template

    sender.notice_templates = {"near_turn": "654321"}
    sender.send_notice("13900000001", "near_turn", ["平湖市行政服务中心", "F012", "公安服务", "3"])
    (request,) = StandIn.seen
    assert request["body"]["TemplateId"] == "654321"
    assert request["body"]["TemplateParamSet"] == ["平湖市行政服务中心", "F012", "公安服务", "3"]
