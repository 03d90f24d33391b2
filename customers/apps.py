from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # registrations with shared mechanisms: approval handlers, timeline, handover, panels
        from . import approvals, sources  # noqa: F401
