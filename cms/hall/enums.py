from django.db import models

from guides.enums import WindowCategory


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "等候 waiting"
    CALLED = "called", "已叫号 called"
    SERVING = "serving", "办理中 serving"
    DONE = "done", "已办完 done"
    NO_SHOW = "no_show", "过号 no-show"
    UNSERVED = "unserved", "闭厅未叫 left at closing"


# A window holds at most one of these at a time (a partial unique index says so).
CURRENT = (TicketStatus.CALLED, TicketStatus.SERVING)


class Priority(models.TextChoices):
    """Called before everyone else, by law and custom (docs/hall.md)."""

    NONE = "", "无 none"
    AGE = "age", "70 周岁以上 aged 70 or more"
    DISABILITY = "disability", "残疾人 disability card"
    MILITARY = "military", "军人 serving in the military"


class HelpStatus(models.TextChoices):
    WAITING = "waiting", "等候 waiting"
    TAKEN = "taken", "工作人员已在路上 someone is on the way"
    CLOSED = "closed", "已完成 closed"


class PickupQueue(str):
    """统一窗口出件: the queue of citizens collecting a finished result (an approved application to pick up at
    the centre). A hall queue beside the seven window categories, not a guide's category: only the centre's
    pickup window (`Counter.pickup`) calls it, and a ticket for it is taken with the application's receipt."""

    slug = "pickup"
    label_en = "Collecting results"
    letter = "Q"  # 取件; the seven categories number A… to G…
    hours = WindowCategory.GENERAL  # the pickup window keeps the hours of the general windows

    @property
    def value(self) -> str:
        return str(self)


PICKUP = PickupQueue("统一出件")
QUEUE_CHOICES = [(c.value, c.value) for c in WindowCategory] + [(PICKUP.value, PICKUP.value)]


def queue_of(value: str) -> WindowCategory | PickupQueue:
    """A ticket's queue: one of the seven categories, or the pickup queue."""
    return PICKUP if value == PICKUP else WindowCategory(value)
