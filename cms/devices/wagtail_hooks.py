from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from cms.devices.models import KioskDevice
from cms.devices.views import KioskCreateForm, KioskCreateView, KioskEditForm, KioskEditView, status_label


class KioskViewSet(ModelViewSet):
    model = KioskDevice
    icon = "tablet-alt"
    menu_label = "自助终端 Kiosks"
    menu_name = "kiosks"
    menu_order = 900
    add_to_admin_menu = True
    add_view_class = KioskCreateView
    edit_view_class = KioskEditView
    list_display = [
        "name",
        "centre",
        Column("token_hint", label="令牌前缀 token starts"),
        DateColumn("created_at", label="创建 created"),
        DateColumn("last_used_at", label="最近使用 last used"),
        Column("status", label="状态 status", accessor=status_label),
    ]
    search_fields = ["name"]

    def get_form_class(self, for_update=False):
        return KioskEditForm if for_update else KioskCreateForm


@hooks.register("register_admin_viewset")
def register_kiosks():
    return KioskViewSet("kiosks")
