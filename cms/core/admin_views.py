"""The admin's page for login locks (cms/core/admin_login.py): superusers see who is locked and unlock them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from cms.core import admin_login


def login_locks(request):
    """Accounts and addresses locked after failed logins, each with an unlock button; or any name or address."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        value = request.POST.get("value", "").strip()[:150]
        if value:
            admin_login.unlock(value, by=f"user {request.user.get_username()!r} in the admin")
            messages.success(request, f"已解锁 Unlocked: {value}")
        else:
            messages.error(request, "请填写账号或地址 / Enter an account name or an address.")
        return redirect(reverse("login_locks"))
    context = {"locks": admin_login.current_locks(), "minutes": settings.LOGIN_LOCK["minutes"]}
    return render(request, "core/admin/login_locks.html", context)
