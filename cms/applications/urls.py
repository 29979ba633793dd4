from django.urls import path
from django.views.decorators.cache import never_cache

from cms.applications import views

app_name = "applications"
# Every page here may show a booking or an application and its files: no copy kept by the browser or a proxy
# for the next person at a shared computer (Cache-Control: no-store).
urlpatterns = [
    path("", never_cache(views.choose_guide), name="choose"),
    path("status/", never_cache(views.lookup), name="lookup"),
    path("status/<str:receipt>/", never_cache(views.detail), name="detail"),
    path("status/<str:receipt>/supplement/", never_cache(views.supplement), name="supplement"),
    path("status/<str:receipt>/files/<int:position>/", never_cache(views.download), name="file"),
    path("submitted/<str:receipt>/", never_cache(views.done), name="done"),
    path("<str:code>/", never_cache(views.apply), name="apply"),
    path("<str:code>/check/", never_cache(views.check), name="check"),
]
