"""Calendar days and closures change hours: tell whoever holds slots."""

from django.db.models.signals import post_delete, post_save, pre_save

from cms.hours.models import CalendarDay, Closure
from cms.hours.signals import hours_changed


def _calendar_day_changed(sender, instance: CalendarDay, **kwargs):
    old = getattr(instance, "_previous_date", None)
    first, last = min(filter(None, [old, instance.date])), max(filter(None, [old, instance.date]))
    hours_changed.send(sender=CalendarDay, centre_ids=None, first=first, last=last)


def _remember_previous(sender, instance, **kwargs):
    # An edit may move a day or a closure: the dates it leaves change too.
    if instance.pk is None:
        return
    previous = sender.objects.filter(pk=instance.pk).first()
    if previous is None:
        return
    if sender is CalendarDay:
        instance._previous_date = previous.date
    else:
        instance._previous_range = (previous.centre_id, previous.start_date, previous.end_date)


def _closure_changed(sender, instance: Closure, **kwargs):
    centre_ids = {instance.centre_id}
    first, last = instance.start_date, instance.end_date
    if previous := getattr(instance, "_previous_range", None):
        centre_ids.add(previous[0])
        first, last = min(first, previous[1]), max(last, previous[2])
    hours_changed.send(sender=Closure, centre_ids=sorted(centre_ids), first=first, last=last)


def connect():
    for model in (CalendarDay, Closure):
        pre_save.connect(_remember_previous, sender=model, dispatch_uid=f"hours-remember-{model.__name__}")
    post_save.connect(_calendar_day_changed, sender=CalendarDay, dispatch_uid="hours-calendar-saved")
    post_delete.connect(_calendar_day_changed, sender=CalendarDay, dispatch_uid="hours-calendar-deleted")
    post_save.connect(_closure_changed, sender=Closure, dispatch_uid="hours-closure-saved")
    post_delete.connect(_closure_changed, sender=Closure, dispatch_uid="hours-closure-deleted")
