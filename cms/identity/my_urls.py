from django.urls import path
from django.views.decorators.cache import never_cache

from cms.identity import my

app_name = "identity_my"
urlpatterns = [
    path("bookings/", never_cache(my.my_bookings), name="bookings"),
    path("bookings/<str:code>/open/", never_cache(my.open_booking), name="open_booking"),
    path("bookings/<str:code>/cancel/", never_cache(my.cancel_booking), name="cancel_booking"),
    path("applications/", never_cache(my.my_applications), name="applications"),
    path("applications/<str:receipt>/open/", never_cache(my.open_application), name="open_application"),
]
