from django.urls import path
from django.views.decorators.cache import never_cache

from cms.identity import views

app_name = "identity"
urlpatterns = [
    path("sign-in/", never_cache(views.sign_in), name="sign_in"),
    path("callback/", never_cache(views.callback), name="callback"),
    path("sign-out/", never_cache(views.sign_out), name="sign_out"),
    path("consent/", never_cache(views.consent), name="consent"),
]
