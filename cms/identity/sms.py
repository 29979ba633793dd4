"""Text messages behind one small interface, like Django's mail backends: `send_code(phone, code, minutes)`
and `send_notice(phone, notice, params)`.

Chinese SMS providers send only templates approved in advance, so a notice is one of NOTICES with its
parameters, never a free text: the file backend writes the text the template reads; a provider maps each
notice to its approved template id.

`settings.SMS_BACKEND` names the class, `settings.SMS_OPTIONS` its keyword arguments:
- `cms.identity.sms.FileBackend` — each message a file under a folder (`make run`, tests), nothing sent;
- `cms.identity.sms.TencentCloudBackend` — Tencent Cloud SMS through its official SDK
  (tencentcloud-sdk-python-sms), configured only by the environment (README "Sign-in and SMS").
A message that cannot be sent raises `SmsError`; the caller answers with a refusal, never a 500.
"""

import json
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from guides import clock

logger = logging.getLogger(__name__)


class SmsError(Exception):
    pass


# The notices besides codes, each with its parameters in order (the wording to have approved as a template).
NOTICES = {
    # the hall's web ticket (cms/hall/services.py notify_near): centre, ticket, queue, how many are ahead
    "near_turn": "您在{0}的排队号 {1}（{2}）前面还有 {3} 人，请到大厅等候叫号。",
}


class BaseBackend:
    def send_code(self, phone: str, code: str, minutes: int) -> None:
        raise NotImplementedError

    def send_notice(self, phone: str, notice: str, params: list[str]) -> None:
        raise NotImplementedError


class FileBackend(BaseBackend):
    """One JSON file per message in `path` (0600, like DATA_DIR); the log says only that one was written."""

    def __init__(self, path: str):
        self.path = Path(path)

    def send_code(self, phone: str, code: str, minutes: int) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"{clock.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.json"
        text = f"【最多跑一次】您的验证码为 {code}，{minutes} 分钟内有效。请勿告诉他人。"
        fd = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"phone": phone, "code": code, "text": text}, f, ensure_ascii=False)
        logger.info("text message written to %s (no SMS provider configured)", name)

    def send_notice(self, phone: str, notice: str, params: list[str]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"{clock.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.json"
        text = f"【最多跑一次】{NOTICES[notice].format(*params)}"
        fd = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"phone": phone, "notice": notice, "params": params, "text": text}, f, ensure_ascii=False)
        logger.info("text message written to %s (no SMS provider configured)", name)


class TencentCloudBackend(BaseBackend):
    """Tencent Cloud SMS (SendSms, API 2021-01-11): codes by `template_id` (two parameters, the code and the
    minutes); each notice by its own approved template, `notice_templates` {notice: template id}."""

    def __init__(
        self,
        secret_id: str,
        secret_key: str,
        app_id: str,
        sign_name: str,
        template_id: str,
        region: str = "ap-guangzhou",
        endpoint: str = "sms.tencentcloudapi.com",
        protocol: str = "https",
        timeout: int = 10,
        notice_templates: dict[str, str] | None = None,
    ):
        self.notice_templates = {k: v for k, v in (notice_templates or {}).items() if v}
        self.secret_id, self.secret_key, self.app_id = secret_id, secret_key, app_id
        self.sign_name, self.template_id, self.region = sign_name, template_id, region
        self.endpoint, self.protocol, self.timeout = endpoint, protocol, timeout

    def send_code(self, phone: str, code: str, minutes: int) -> None:
        self._send(phone, self.template_id, [code, str(minutes)])

    def send_notice(self, phone: str, notice: str, params: list[str]) -> None:
        template = self.notice_templates.get(notice)
        if template is None:
            raise SmsError(f"Tencent Cloud SMS: no template configured for the {notice} notice")
        self._send(phone, template, [str(p) for p in params])

    def _send(self, phone: str, template_id: str, params: list[str]) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models, sms_client

        http = HttpProfile(protocol=self.protocol, endpoint=self.endpoint, reqTimeout=self.timeout)
        client = sms_client.SmsClient(
            credential.Credential(self.secret_id, self.secret_key), self.region, ClientProfile(httpProfile=http)
        )
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = params
        request.PhoneNumberSet = [f"+86{phone}"]
        try:
            answer = client.SendSms(request)
        except TencentCloudSDKException as error:
            raise SmsError(f"Tencent Cloud SMS: {error.get_code()}") from None
        except OSError as error:  # the network
            raise SmsError(f"Tencent Cloud SMS unreachable: {error.__class__.__name__}") from None
        statuses = answer.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            raise SmsError(f"Tencent Cloud SMS refused: {statuses[0].Code if statuses else 'no status'}")


def backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)(**settings.SMS_OPTIONS)
