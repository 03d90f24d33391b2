"""The approval engine's data: configurable chains, requests, their steps and an immutable
history. The behaviour lives in ``accounts.services.approvals``."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..scopes import ScopedQuerySet, ScopeSpec
from .org import Department, Position


class ApprovalChainStep(models.Model):
    """One rung of the approval ladder of a document type, in order.

    A submitted document goes up the ladder until it reaches an approver whose authority
    (``ApprovalAuthority.max_amount``) covers its amount; ``mandatory`` rungs are always
    included (e.g. the GM's final review of every contract)."""

    document_type = models.CharField(_("document type"), max_length=60, db_index=True)
    sequence = models.PositiveSmallIntegerField(_("order"))
    position = models.ForeignKey(
        Position, verbose_name=_("approver position"), on_delete=models.PROTECT
    )
    mandatory = models.BooleanField(_("always included"), default=False)

    class Meta:
        verbose_name = _("approval chain step")
        verbose_name_plural = _("approval chain steps")
        ordering = ["document_type", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "sequence"], name="approval_chain_unique_order"
            ),
        ]

    def __str__(self):
        return f"{self.document_type} #{self.sequence}: {self.position}"


class ApprovalAuthority(models.Model):
    """Up to which amount a position may give the final approval of a document type."""

    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.CASCADE,
        related_name="approval_authorities",
    )
    document_type = models.CharField(_("document type"), max_length=60)
    max_amount = models.DecimalField(
        _("maximum amount (CNY)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty means no limit."),
    )

    class Meta:
        verbose_name = _("approval authority")
        verbose_name_plural = _("approval authorities")
        constraints = [
            models.UniqueConstraint(
                fields=["position", "document_type"], name="approval_authority_unique"
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=0),
                name="approval_authority_amount_positive",
            ),
        ]

    def __str__(self):
        return f"{self.position} / {self.document_type}: {self.max_amount or '∞'}"

    def covers(self, amount) -> bool:
        return self.max_amount is None or amount is None or amount <= self.max_amount


def _approval_request_own_q(user) -> Q:
    """ "Own" approval requests besides the author's: decided by the user, or with a step of
    the user's position in the user's department tree."""
    q = Q(pk__in=ApprovalStep.objects.filter(decided_by=user).values("request_id"))
    if user.position_id and user.department_id:
        q |= Q(
            pk__in=ApprovalStep.objects.filter(position_id=user.position_id).values("request_id"),
            department__path__startswith=user.department.path,
        )
    return q


class ApprovalRequest(models.Model):
    data_scope_spec = ScopeSpec(
        customer=None,
        department="department",
        creator="submitted_by",
        extra_own=_approval_request_own_q,
    )

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    document_type = models.CharField(_("document type"), max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(
        _("amount (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # one open request per document: a second submit (or a race) is refused here
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending"),
                name="approval_one_pending_per_document",
            ),
        ]

    def __str__(self):
        return self.title


class ApprovalStep(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Not yet reached")
        PENDING = "pending", _("Waiting for decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveSmallIntegerField(_("order"))
    position = models.ForeignKey(
        Position, verbose_name=_("approver position"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    activated_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "sequence"]
        indexes = [
            models.Index(fields=["status", "position"]),
            models.Index(fields=["status", "activated_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["request", "sequence"], name="approval_step_order"),
        ]

    def __str__(self):
        return f"{self.request} #{self.sequence}"


class ApprovalEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Approval history cannot be changed."))

    def delete(self):
        raise ValidationError(_("Approval history cannot be deleted."))


class ApprovalEvent(models.Model):
    """Immutable approval history: who did what, when, with which comment."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="events")
    step = models.ForeignKey(
        ApprovalStep, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = ApprovalEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval event")
        verbose_name_plural = _("approval history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.actor} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Approval history cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Approval history cannot be deleted."))
