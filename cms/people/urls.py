from django.urls import path
from django.views.decorators.cache import never_cache

from cms.people import views

app_name = "identity_my"
urlpatterns = [
    path("bookings/", never_cache(views.my_bookings), name="bookings"),
    path("bookings/<str:code>/open/", never_cache(views.open_booking), name="open_booking"),
    path("bookings/<str:code>/cancel/", never_cache(views.cancel_booking), name="cancel_booking"),
    path("applications/", never_cache(views.my_applications), name="applications"),
    path("applications/<str:receipt>/open/", never_cache(views.open_application), name="open_application"),
    path("data.json", never_cache(views.my_data), name="data"),  # what is held about me (PIPL)
]
