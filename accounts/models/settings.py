from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemSetting(models.Model):
    """An administrator's override of a business setting declared in code with
    ``accounts.system_settings.define`` (which also holds the default and the validation)."""

    key = models.CharField(_("setting"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("system setting")
        verbose_name_plural = _("system settings")
        ordering = ["key"]

    def __str__(self):
        return self.key
