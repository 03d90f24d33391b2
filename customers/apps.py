from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FEATURES = ("contracts", "imports", "lists", "pool", "review", "confidential", "merge")


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # registrations with shared mechanisms: approval handlers, timeline, handover, panels
        from importlib import import_module

        from . import approvals, sources  # noqa: F401

        for feature in FEATURES:
            import_module(f"customers.{feature}.registrations")
