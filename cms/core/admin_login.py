"""Password guessing at the admin's login: after a few failures an account, and separately an address,
is locked for the rest of a LOGIN_LOCK window (429, both languages), whatever the password. Each lock is
logged; a superuser lifts one in the admin (Settings › 登录锁定 Login locks, cms/core/admin_views.py) or
with `manage.py unlock_admin_login`, and each unlock is logged with who lifted it. Counters are the shared
ones (cms/core/counters.py), so every worker and app server counts together."""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.html import escape

from cms.core import counters
from cms.core.caller import client_address
from guides import clock

logger = logging.getLogger(__name__)

LOGIN_PATH = "/admin/login/"


def _window() -> int:
    return int(clock.now().timestamp() // (settings.LOGIN_LOCK["minutes"] * 60))


def key(kind: str, value: str) -> str:
    return f"admin-login:{kind}:{value.strip().casefold()}:{_window()}"


def _keys(request, username: str) -> dict[str, str]:
    return {"account": key("account", username), "address": key("address", client_address(request))}


def locked(request, username: str) -> str | None:
    """Which of the account and the address is locked now ("account", "address"), or None."""
    for kind, counter in _keys(request, username).items():
        if counters.value(counter) >= settings.LOGIN_LOCK[kind]:
            return kind
    return None


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None or not request.path.startswith(LOGIN_PATH):
        return
    username = credentials.get("username", "")
    for kind, counter in _keys(request, username).items():
        if counters.incr(counter, settings.LOGIN_LOCK["minutes"] * 60) == settings.LOGIN_LOCK[kind]:
            logger.warning(
                "admin login locked for %s after %d failures: account %r from %s",
                kind,
                settings.LOGIN_LOCK[kind],
                username,
                client_address(request),
            )


@receiver(user_logged_in)
def forget_failures(sender, request=None, user=None, **kwargs):
    if request is not None and user is not None:
        counters.forget(key("account", user.get_username()))


def current_locks() -> list[tuple[str, str, int]]:
    """(kind, account name or address, failures) of each account and address locked now."""
    window = f":{_window()}"
    found = []
    for counter, failures in counters.starting_with("admin-login:").items():
        kind, _, rest = counter.removeprefix("admin-login:").partition(":")
        if rest.endswith(window) and kind in ("account", "address") and failures >= settings.LOGIN_LOCK[kind]:
            found.append((kind, rest.removesuffix(window), failures))
    return sorted(found)


def unlock(value: str, by: str) -> None:
    """Lift the lock on an account name or an address (this window's counter); `by` says who, for the log."""
    counters.forget(key("account", value))
    counters.forget(key("address", value))
    logger.warning("admin login unlocked for %r by %s", value.strip(), by)


class AdminLoginGuard:
    """Answers a login attempt to a locked account or from a locked address before any password is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == LOGIN_PATH:
            kind = locked(request, request.POST.get("username", ""))
            if kind is not None:
                minutes = settings.LOGIN_LOCK["minutes"]
                zh, en = (
                    ("该账号", "this account")
                    if kind == "account"
                    else ("来自该地址的登录", "logins from this address")
                )
                text = (
                    f"登录失败次数过多，{zh}已锁定（至多 {minutes} 分钟，或请超级管理员解锁）。"
                    f" / Too many failed logins: {en} locked (up to {minutes} minutes, or ask a superuser to unlock)."
                )
                response = HttpResponse(
                    f"<!doctype html><meta charset=utf-8><title>429</title><p>{escape(text)}</p>", status=429
                )
                response["Retry-After"] = str(minutes * 60)
                return response
        return self.get_response(request)
