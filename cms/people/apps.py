from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """A person's own dealings, seen whole: 我的预约 · 我的办件 for the signed-in, what is held about them and
    how long (PIPL), and staff looking a person up by ID number. Above bookings and applications, which it
    reads; `cms.identity` below them says who the person is."""

    name = "cms.people"
    label = "people"
    verbose_name = "个人 people"
