from django.urls import path
from django.views.decorators.cache import never_cache

from cms.bookings import views

app_name = "bookings"
# Every page here may show a booking or an application and its files: no copy kept by the browser or a proxy
# for the next person at a shared computer (Cache-Control: no-store).
urlpatterns = [
    path("", never_cache(views.book), name="book"),
    path("done/<str:code>/", never_cache(views.done), name="done"),
    path("manage/", never_cache(views.manage), name="manage"),
    path("manage/<str:code>/", never_cache(views.detail), name="detail"),
    path("manage/<str:code>/cancel/", never_cache(views.cancel), name="cancel"),
    path("manage/<str:code>/reschedule/", never_cache(views.reschedule), name="reschedule"),
    path("manage/<str:code>/calendar.ics", never_cache(views.calendar_file), name="calendar"),
]
