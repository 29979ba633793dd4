"""A published centre page may change its hours from today on: tell whoever holds slots."""

import datetime as dt

from wagtail.signals import page_published

from cms.centres.models import CentrePage
from cms.hours.signals import hours_changed
from guides import clock

_FAR = dt.timedelta(days=366)


def _centre_published(sender, instance, **kwargs):
    today = clock.today()
    hours_changed.send(sender=CentrePage, centre_ids=[instance.pk], first=today, last=today + _FAR)


def connect():
    page_published.connect(_centre_published, sender=CentrePage, dispatch_uid="centres-centre-published")
