from django.urls import path

from cms.services import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("metrics.csv", views.dashboard_csv, name="dashboard_csv"),
]
