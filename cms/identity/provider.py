"""The demo real-name identity provider: django-oauth-toolkit's OpenID Connect provider, mounted at /idp/ only
while no external issuer is configured (settings.LOCAL_IDENTITY_PROVIDER), so `make run` and the tests sign in
through a real provider over real HTTP. Its accounts (`DemoAccount`: a few citizens and one company) come with
`load_demo`; it signs its ID tokens with an RSA key kept in DATA_DIR.

Only the endpoints a client needs are served (discovery, keys, authorize, token, userinfo), never the toolkit's
application-management pages.
"""

from django.contrib.auth.views import LoginView
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from oauth2_provider import views as dot
from oauth2_provider.oauth2_validators import OAuth2Validator


class DemoClaims(OAuth2Validator):
    """The demo account's real-name claims in the ID token and at userinfo, whatever scopes were asked."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        account = getattr(request.user, "demo_account", None)
        return account.claims() if account is not None else {}


class DemoLogin(LoginView):
    template_name = "identity/idp_login.html"
    redirect_authenticated_user = False


class Authorize(dot.AuthorizationView):
    login_url = "/idp/login/"


endpoints = [
    re_path(
        r"^\.well-known/openid-configuration/?$",
        dot.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("authorize/", Authorize.as_view(), name="authorize"),
    path("token/", dot.TokenView.as_view(), name="token"),
    path("userinfo/", dot.UserInfoView.as_view(), name="user-info"),
]

urlpatterns = [
    path("login/", never_cache(DemoLogin.as_view()), name="demo_login"),
    path("o/", include((endpoints, "oauth2_provider"))),
]
