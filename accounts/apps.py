from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and authority")

    def ready(self):
        from . import schema, signals  # noqa: F401  (OpenAPI auth scheme; audit of logins)
        from .handover import registrations  # noqa: F401
