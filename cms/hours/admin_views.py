"""Admin for the city calendar and closures. Before saving a closure or holiday that takes away booked
places, the editor is warned and shown who is affected; saving marks those bookings for rebooking
(cms.bookings, on the `hours_changed` signal) and the message links to the list of people to notify."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic

from cms.hours.models import CalendarDay, Closure
from cms.hours.signals import bookings_hit
from guides.calendar import DayKind, Source
from guides.enums import WindowCategory

SHOWN = 20  # affected bookings listed in the warning; the rebook list has them all


class CalendarDayForm(WagtailAdminModelForm):
    confirm = forms.BooleanField(
        label="确认：受影响的预约将标记为需改约 / confirm: affected bookings will be marked for rebooking",
        required=False,
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "name_en", "works_as"]

    def save(self, commit=True):
        self.instance.source = Source.EDITOR  # a prefill never overwrites what an editor touched
        return super().save(commit)


class ClosureForm(WagtailAdminModelForm):
    categories = forms.MultipleChoiceField(
        label="窗口类别（不选为整个中心）categories (none: the whole centre)",
        choices=[(c.value, f"{c.value} {c.label_en}") for c in WindowCategory],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    confirm = forms.BooleanField(
        label="确认：受影响的预约将标记为需改约 / confirm: affected bookings will be marked for rebooking",
        required=False,
    )

    class Meta:
        model = Closure
        fields = ["centre", "categories", "start_date", "end_date", "reason", "reason_en"]


def _hits(instance) -> tuple[int, list[tuple[str, ...]]]:
    """How many live bookings saving this would hit, and the first SHOWN of them as display rows."""
    if isinstance(instance, Closure):
        asked = dict(centre_ids=[instance.centre_id], first=instance.start_date, last=instance.end_date)
        asked["categories"] = instance.categories or None
    elif instance.kind == DayKind.HOLIDAY:
        asked = dict(centre_ids=None, first=instance.date, last=instance.date, categories=None)
    else:
        return 0, []  # a makeup workday only adds hours
    answers = [answer for _, answer in bookings_hit.send(sender=type(instance), limit=SHOWN, **asked)]
    return sum(count for count, _ in answers), [row for _, rows in answers for row in rows][:SHOWN]


class _WarnsAboutBookings:
    """form_valid: if saving would close booked slots and the editor has not confirmed, say who is hit."""

    def form_valid(self, form):
        count, shown = _hits(form.instance)
        if count and not form.cleaned_data.get("confirm"):
            rows = format_html_join("", "<li>{}</li>", ((" · ".join(row),) for row in shown))
            form.add_error(
                "confirm",
                format_html(
                    "这会影响 {} 个已预约的时段，保存后它们将标记为需改约并通知预约人。请勾选确认后再保存。"
                    " / This hits {} booked places; they will be marked for rebooking and their holders told."
                    " Tick to confirm, then save.<ul>{}</ul>{}",
                    count,
                    count,
                    rows,
                    "…" if count > SHOWN else "",
                ),
            )
            self.produced_error_message = "请先确认受影响的预约 / confirm the affected bookings first"
            return self.form_invalid(form)
        response = super().form_valid(form)
        if count:
            messages.warning(
                self.request,
                "已保存；受影响的预约已标记为需改约 / saved; the affected bookings are marked for rebooking",
                buttons=[messages.button(reverse("bookings_rebook"), "需改约的预约 bookings to rebook")],
            )
        return response


class ClosureCreateView(_WarnsAboutBookings, generic.CreateView):
    pass


class ClosureEditView(_WarnsAboutBookings, generic.EditView):
    pass


class CalendarDayCreateView(_WarnsAboutBookings, generic.CreateView):
    pass


class CalendarDayEditView(_WarnsAboutBookings, generic.EditView):
    pass
