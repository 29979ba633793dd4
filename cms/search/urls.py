from django.urls import path

from cms.search import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("open/", views.open_result, name="search_open"),
    path("suggest/", views.suggest, name="search_suggest"),
]
