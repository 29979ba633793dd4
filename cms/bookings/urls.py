from django.urls import path

from cms.bookings import views

app_name = "bookings"
urlpatterns = [
    path("", views.book, name="book"),
    path("done/<str:code>/", views.done, name="done"),
    path("manage/", views.manage, name="manage"),
    path("manage/<str:code>/", views.detail, name="detail"),
    path("manage/<str:code>/cancel/", views.cancel, name="cancel"),
    path("manage/<str:code>/reschedule/", views.reschedule, name="reschedule"),
    path("manage/<str:code>/calendar.ics", views.calendar_file, name="calendar"),
]
