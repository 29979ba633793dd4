from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """实名认证: sign-in through a real-name OpenID Connect provider, levels of proof, one-time codes, my pages."""

    name = "cms.identity"
    label = "identity"
    verbose_name = "实名认证 identity"
