from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Approvable(models.Model):
    """Base of every document that goes through the approval engine. ``approval_status`` is
    changed only by ``accounts.services.approvals``; approved documents are read-only."""

    approval_document_type: ClassVar[str] = ""

    approval_status = models.CharField(
        _("approval status"),
        max_length=16,
        choices=ApprovalState.choices,
        default=ApprovalState.DRAFT,
        db_index=True,
    )

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.approval_status in (ApprovalState.DRAFT, ApprovalState.REJECTED)

    def ensure_editable(self):
        if not self.is_editable:
            raise ValidationError(
                _("This document is %(status)s and can no longer be changed.")
                % {"status": self.get_approval_status_display()}
            )
