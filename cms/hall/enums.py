from django.db import models


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
