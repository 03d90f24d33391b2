from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """A counter per key (e.g. "customer:BJ"). Numbers only go up, so codes are never reused;
    concurrent callers are serialised by the row update (see accounts.services.numbering)."""

    key = models.CharField(_("key"), max_length=60, unique=True)
    last_value = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.key}: {self.last_value}"
