from django.urls import path

from cms.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.choose_guide, name="choose"),
    path("status/", views.lookup, name="lookup"),
    path("status/<str:receipt>/", views.detail, name="detail"),
    path("status/<str:receipt>/supplement/", views.supplement, name="supplement"),
    path("status/<str:receipt>/files/<int:position>/", views.download, name="file"),
    path("<str:code>/", views.apply, name="apply"),
]
