from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.core import admin_views


@hooks.register("register_admin_urls")
def login_lock_urls():
    return [path("login-locks/", admin_views.login_locks, name="login_locks")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def login_locks_menu_item():
    return SuperuserMenuItem("登录锁定 Login locks", reverse("login_locks"), icon_name="lock", order=900)
