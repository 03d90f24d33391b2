"""The approval engine — one mechanism for every document that needs approval
(customer certification, contracts, plans, budgets, expense claims, archive borrowing, ...).

A document model inherits :class:`accounts.models.approvable.Approvable` and registers an
:class:`ApprovalHandler`. The engine then:

- builds the chain at submission from the configured ladder (``ApprovalChainStep``) and the
  positions' authority limits (``ApprovalAuthority``) for the document's amount;
- moves the document draft → submitted → approved | rejected (→ edited → submitted ...);
- lets exactly one eligible approver decide each step: the request row is locked and its
  ``version`` checked, so a concurrent or stale second decision gets a conflict error;
- writes an immutable history row for every action and notifies the next approver, or the
  author with the decision and comment.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    ApprovalAuthority,
    ApprovalChainStep,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    Department,
    User,
)
from accounts.models.approvable import Approvable, ApprovalState
from accounts.services.notifications import notify
from config.exceptions import ApplicationError, ConflictError


class ApprovalHandler:
    """What the engine needs to know about one document type. Subclass and register."""

    document_type: str = ""
    label = ""

    def title(self, document) -> str:
        return str(document)

    def amount(self, document) -> Decimal | None:
        return None

    def department(self, document) -> Department:
        raise NotImplementedError

    def url(self, document) -> str:
        return ""

    def check_submit(self, *, actor: User, document) -> None:
        """Raise ApplicationError / ValidationError when the actor may not submit."""

    def on_submitted(self, *, actor: User, document) -> None: ...

    def on_approved(self, *, actor: User, document) -> None: ...

    def on_rejected(self, *, actor: User, document, comment: str) -> None: ...

    def on_withdrawn(self, *, actor: User, document) -> None: ...


_registry: dict[str, ApprovalHandler] = {}


def register(handler_cls: type[ApprovalHandler]) -> type[ApprovalHandler]:
    _registry[handler_cls.document_type] = handler_cls()
    return handler_cls


def handler_for(document_type: str) -> ApprovalHandler:
    try:
        return _registry[document_type]
    except KeyError:
        raise ApplicationError(_("Unknown document type %(type)s.") % {"type": document_type})


# --- chain building ---------------------------------------------------------------------------


def build_chain(document_type: str, amount: Decimal | None) -> list[ApprovalChainStep]:
    ladder = list(
        ApprovalChainStep.objects.filter(document_type=document_type)
        .select_related("position")
        .order_by("sequence")
    )
    if not ladder:
        raise ApplicationError(
            _("No approval chain is configured for %(type)s. Ask the administrator.")
            % {"type": document_type}
        )
    authorities = {
        a.position_id: a
        for a in ApprovalAuthority.objects.filter(
            document_type=document_type, position__in=[s.position_id for s in ladder]
        )
    }
    chain: list[ApprovalChainStep] = []
    covered = False
    for rung in ladder:
        if rung.mandatory or not covered:
            chain.append(rung)
            authority = authorities.get(rung.position_id)
            if authority is not None and authority.covers(amount):
                covered = True
    if not covered:
        raise ApplicationError(
            _("Nobody in the approval chain may approve %(amount)s. Ask the administrator.")
            % {"amount": amount}
        )
    return chain


def department_ancestor_paths(department: Department) -> list[str]:
    parts = [p for p in department.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def eligible_approvers(request: ApprovalRequest, step: ApprovalStep) -> QuerySet[User]:
    """Active users holding the step's position in the document's department or above it;
    never the author (nobody approves their own document)."""
    return (
        User.objects.filter(
            is_active=True,
            position_id=step.position_id,
            position__is_active=True,
            department__path__in=department_ancestor_paths(request.department),
        )
        .exclude(pk=request.submitted_by_id)
        .order_by("pk")
    )


def can_decide(user: User, request: ApprovalRequest, step: ApprovalStep | None = None) -> bool:
    if request.status != ApprovalRequest.Status.PENDING or not user.is_authenticated:
        return False
    if user.pk == request.submitted_by_id or not user.is_active or not user.department_id:
        return False
    step = step or request.steps.get(sequence=request.current_step)
    return (
        step.status == ApprovalStep.Status.PENDING
        and user.position_id == step.position_id
        and user.position.is_active
        and request.department.path.startswith(user.department.path)
    )


# --- reads ------------------------------------------------------------------------------------


def approvals_waiting_for(user: User) -> QuerySet[ApprovalRequest]:
    """The "waiting for me" list: what ``can_decide`` would let the user decide."""
    if not user.is_authenticated or not user.position_id or not user.department_id:
        return ApprovalRequest.objects.none()
    if not user.is_active or not user.position.is_active:
        return ApprovalRequest.objects.none()
    return (
        ApprovalRequest.objects.filter(
            status=ApprovalRequest.Status.PENDING,
            steps__status=ApprovalStep.Status.PENDING,
            steps__position_id=user.position_id,
            department__path__startswith=user.department.path,
        )
        .exclude(submitted_by=user)
        .select_related("submitted_by", "department", "content_type")
        .order_by("submitted_at")
    )


def request_for(document) -> ApprovalRequest | None:
    """The newest approval request of a document."""
    ct = ContentType.objects.get_for_model(document)
    return (
        ApprovalRequest.objects.filter(content_type=ct, object_id=document.pk)
        .order_by("-submitted_at", "-pk")
        .first()
    )


# --- transitions ------------------------------------------------------------------------------


def _lock_document(document: Approvable) -> Approvable:
    return type(document).objects.select_for_update().get(pk=document.pk)


def _notify_approvers(request: ApprovalRequest, step: ApprovalStep, handler: ApprovalHandler):
    notify(
        recipients=eligible_approvers(request, step),
        kind="approval.waiting",
        title=_("Approval needed: %(title)s"),
        body=_("%(author)s submitted %(type)s “%(title)s”. It is waiting for your decision."),
        params={
            "title": request.title,
            "author": request.submitted_by,
            "type": handler.label,
        },
        url=f"/approvals/{request.pk}/",
        target=request,
    )


@transaction.atomic
def approval_submit(*, actor: User, document: Approvable, comment: str = "") -> ApprovalRequest:
    handler = handler_for(document.approval_document_type)
    document = _lock_document(document)
    if document.approval_status not in (ApprovalState.DRAFT, ApprovalState.REJECTED):
        raise ConflictError(
            _("This document is %(status)s and cannot be submitted again.")
            % {"status": document.get_approval_status_display()}
        )
    handler.check_submit(actor=actor, document=document)
    amount = handler.amount(document)
    department = handler.department(document)
    chain = build_chain(handler.document_type, amount)
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                document_type=handler.document_type,
                content_type=ContentType.objects.get_for_model(document),
                object_id=document.pk,
                title=str(handler.title(document))[:200],
                amount=amount,
                department=department,
                submitted_by=actor,
            )
    except IntegrityError:
        raise ConflictError(_("This document is already waiting for approval."))
    steps = ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                request=request,
                sequence=i,
                position=rung.position,
                status=ApprovalStep.Status.PENDING if i == 1 else ApprovalStep.Status.WAITING,
                activated_at=timezone.now() if i == 1 else None,
            )
            for i, rung in enumerate(chain, start=1)
        ]
    )
    for step in steps:
        if not eligible_approvers(request, step).exists():
            raise ApplicationError(
                _(
                    "Nobody holds the position %(position)s for %(department)s, so this cannot "
                    "be approved. Ask the administrator."
                )
                % {"position": step.position, "department": department}
            )
    document.approval_status = ApprovalState.SUBMITTED
    document.save(update_fields=["approval_status"])
    ApprovalEvent.objects.create(
        request=request,
        step=None,
        actor=actor,
        action=ApprovalEvent.Action.SUBMITTED,
        comment=comment,
    )
    handler.on_submitted(actor=actor, document=document)
    _notify_approvers(request, steps[0], handler)
    return request


class Decision:
    APPROVE = "approve"
    REJECT = "reject"


@transaction.atomic
def approval_decide(
    *,
    actor: User,
    request_id: int,
    decision: str,
    comment: str = "",
    expected_version: int | None = None,
) -> ApprovalRequest:
    """Decide the current step. Exactly one of two concurrent deciders wins; the other gets a
    ConflictError naming who decided."""
    if decision not in (Decision.APPROVE, Decision.REJECT):
        raise ApplicationError(_("Unknown decision."))
    comment = (comment or "").strip()
    if decision == Decision.REJECT and not comment:
        from django.core.exceptions import ValidationError

        raise ValidationError({"comment": _("Give the reason for the rejection.")})
    request = (
        # only the request row: locking the joined department and author rows too would
        # block (and deadlock with) any transaction that references them, e.g. notifying
        # the author
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("department", "submitted_by")
        .get(pk=request_id)
    )
    if expected_version is not None and request.version != expected_version:
        raise _already_decided(request)
    if request.status != ApprovalRequest.Status.PENDING:
        raise _already_decided(request)
    step = request.steps.select_related("position").get(sequence=request.current_step)
    if not can_decide(actor, request, step):
        if _was_approver_of_decided_step(actor, request, step):
            # the actor came for an earlier step that somebody else decided meanwhile
            raise _already_decided(request)
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("You may not decide this step."))
    # optimistic lock: the version must still be the one we read
    won = ApprovalRequest.objects.filter(pk=request.pk, version=request.version).update(
        version=F("version") + 1
    )
    if won != 1:
        raise _already_decided(request)
    request.version += 1
    now = timezone.now()
    handler = handler_for(request.document_type)
    document = _lock_document(request.document)

    step.decided_by = actor
    step.decided_at = now
    step.comment = comment
    if decision == Decision.REJECT:
        step.status = ApprovalStep.Status.REJECTED
        step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        request.steps.filter(status=ApprovalStep.Status.WAITING).update(
            status=ApprovalStep.Status.CANCELLED
        )
        request.status = ApprovalRequest.Status.REJECTED
        request.decided_at = now
        request.save(update_fields=["status", "decided_at"])
        document.approval_status = ApprovalState.REJECTED
        document.save(update_fields=["approval_status"])
        ApprovalEvent.objects.create(
            request=request,
            step=step,
            actor=actor,
            action=ApprovalEvent.Action.REJECTED,
            comment=comment,
        )
        handler.on_rejected(actor=actor, document=document, comment=comment)
        notify(
            recipients=[request.submitted_by],
            kind="approval.rejected",
            title=_("Rejected: %(title)s"),
            body=_("%(approver)s rejected “%(title)s”: %(comment)s"),
            params={"title": request.title, "approver": actor, "comment": comment},
            url=handler.url(document),
            target=request,
        )
        return request

    step.status = ApprovalStep.Status.APPROVED
    step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    ApprovalEvent.objects.create(
        request=request,
        step=step,
        actor=actor,
        action=ApprovalEvent.Action.APPROVED,
        comment=comment,
    )
    next_step = request.steps.filter(sequence=request.current_step + 1).first()
    if next_step is not None:
        request.current_step = next_step.sequence
        request.save(update_fields=["current_step"])
        next_step.status = ApprovalStep.Status.PENDING
        next_step.activated_at = now
        next_step.save(update_fields=["status", "activated_at"])
        _notify_approvers(request, next_step, handler)
        return request

    request.status = ApprovalRequest.Status.APPROVED
    request.decided_at = now
    request.save(update_fields=["status", "decided_at"])
    document.approval_status = ApprovalState.APPROVED
    document.save(update_fields=["approval_status"])
    handler.on_approved(actor=actor, document=document)
    notify(
        recipients=[request.submitted_by],
        kind="approval.approved",
        title=_("Approved: %(title)s"),
        body=_("“%(title)s” has been approved by %(approver)s."),
        params={"title": request.title, "approver": actor},
        url=handler.url(document),
        target=request,
    )
    return request


def _was_approver_of_decided_step(
    actor: User, request: ApprovalRequest, current: ApprovalStep
) -> bool:
    """True when the actor could have decided an earlier step of the request that another
    approver has decided: a decision without ``expected_version`` that lost the race."""
    if not actor.is_active or actor.pk == request.submitted_by_id or not actor.department_id:
        return False
    if not (actor.position_id and actor.position.is_active):
        return False
    if not request.department.path.startswith(actor.department.path):
        return False
    return (
        request.steps.filter(
            sequence__lt=current.sequence,
            position_id=actor.position_id,
            decided_by__isnull=False,
        )
        .exclude(decided_by=actor)
        .exists()
    )


def _already_decided(request: ApprovalRequest) -> ConflictError:
    last = (
        ApprovalStep.objects.filter(request=request, decided_by__isnull=False)
        .select_related("decided_by")
        .order_by("-decided_at")
        .first()
    )
    if last is not None:
        return ConflictError(
            _("Somebody decided first: %(user)s %(decision)s this at %(time)s. Reload the page.")
            % {
                "user": last.decided_by,
                "decision": last.get_status_display(),
                "time": timezone.localtime(last.decided_at).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    return ConflictError(_("This approval changed meanwhile. Reload the page."))


@transaction.atomic
def approval_withdraw(*, actor: User, request_id: int, comment: str = "") -> ApprovalRequest:
    request = ApprovalRequest.objects.select_for_update().get(pk=request_id)
    if request.submitted_by_id != actor.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the author can withdraw a submission."))
    if request.status != ApprovalRequest.Status.PENDING:
        raise _already_decided(request)
    handler = handler_for(request.document_type)
    document = _lock_document(request.document)
    pending_step = request.steps.filter(status=ApprovalStep.Status.PENDING).first()
    waiting_approvers = (
        list(eligible_approvers(request, pending_step)) if pending_step is not None else []
    )
    ApprovalRequest.objects.filter(pk=request.pk).update(version=F("version") + 1)
    request.status = ApprovalRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    request.steps.filter(
        status__in=[ApprovalStep.Status.PENDING, ApprovalStep.Status.WAITING]
    ).update(status=ApprovalStep.Status.CANCELLED)
    document.approval_status = ApprovalState.DRAFT
    document.save(update_fields=["approval_status"])
    ApprovalEvent.objects.create(
        request=request, actor=actor, action=ApprovalEvent.Action.WITHDRAWN, comment=comment
    )
    handler.on_withdrawn(actor=actor, document=document)
    notify(
        recipients=waiting_approvers,
        kind="approval.withdrawn",
        title=_("Withdrawn: %(title)s"),
        body=_("%(author)s withdrew “%(title)s”; it no longer needs your decision."),
        params={"title": request.title, "author": actor},
        url=f"/approvals/{request.pk}/",
        target=request,
    )
    return request
