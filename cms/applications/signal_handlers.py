"""Every status change is mailed to the applicant once the change commits."""

from cms.applications.signals import status_changed


def _notify(sender, application, change, **kwargs):
    from cms.applications.notices import notify_later

    notify_later(change.pk)


def connect():
    status_changed.connect(_notify, dispatch_uid="applications-notify-applicant")
