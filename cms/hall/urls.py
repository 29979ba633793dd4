from django.urls import path, re_path

from cms.hall import views

app_name = "hall"

urlpatterns = [
    path("desk/", views.desks, name="desks"),
    path("desk/<int:counter_id>/", views.desk, name="desk"),
    path("help/<slug:centre>/", views.volunteers, name="volunteers"),
    path("<slug:centre>/", views.display, name="display"),
    path("<slug:centre>/state.json", views.display_state, name="display_state"),
    re_path(
        r"^(?P<centre>[-\w]+)/calls/(?P<ticket>[A-Z]\d{3,6})-(?P<window>\d{1,4})\.wav$",
        views.call_audio,
        name="call_audio",
    ),
]
