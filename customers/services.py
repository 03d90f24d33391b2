"""Writes on customer archives. Every change goes through one of these services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import can_view, has_perm
from accounts.selectors import colleagues
from accounts.services.approvals import approval_submit
from accounts.services.notifications import notify
from accounts.services.numbering import next_code

from . import policies
from .models import (
    CertificationApplication,
    Contact,
    Customer,
    CustomerStatus,
    CustomerSurvey,
    CustomerTeamMember,
)
from .normalize import base_key, name_key
from .validators import normalize_credit_code

#: archive fields a user with the change permission may edit (not code, status, owner, ...)
ARCHIVE_FIELDS = (
    "name",
    "credit_code",
    "legal_representative",
    "address",
    "postcode",
    "phone",
    "fax",
    "business_scope",
    "registered_capital",
    "industry",
    "region",
    "customer_type",
    "grade",
    "relationship_class",
    "credit_rating",
)
CONTACT_FIELDS = (
    "name",
    "title",
    "role",
    "phone",
    "mobile",
    "email",
    "wechat",
    "birthday",
    "is_primary",
    "notes",
)
SURVEY_FIELDS = ("kind", "survey_date", "participants", "findings", "conclusion")
CERTIFICATION_FIELDS = (
    "reasons",
    "trading_policy",
    "goods_and_amounts",
    "expected_annual_amount",
    "survey_summary",
)


def _deny(message=None):
    raise PermissionDenied(message or _("You do not have permission to do this."))


# --- duplicates ---------------------------------------------------------------------------------


def _describe_for(actor: User, existing: Customer) -> str:
    if can_view(actor, existing):
        owner = existing.owner or _("nobody (in the pool)")
        return _("“%(name)s” (code %(code)s, account manager %(owner)s)") % {
            "name": existing.name,
            "code": existing.code or _("not yet certified"),
            "owner": owner,
        }
    return _("“%(name)s”, managed by another team — ask your department manager") % {
        "name": existing.name
    }


def check_duplicates(*, actor: User, name: str, credit_code: str, exclude_pk=None) -> None:
    """Refuse a customer that already exists: same credit code, or same normalised name."""
    errors = {}
    others = Customer.objects.all()
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if credit_code:
        existing = others.filter(credit_code=credit_code).select_related("owner").first()
        if existing:
            errors["credit_code"] = _(
                "A customer with this credit code already exists: %(customer)s."
            ) % {"customer": _describe_for(actor, existing)}
    if name:
        existing = others.filter(name_key=name_key(name)).select_related("owner").first()
        if existing:
            errors["name"] = _("This customer already exists: %(customer)s.") % {
                "customer": _describe_for(actor, existing)
            }
    if errors:
        raise ValidationError(errors)


def similar_customers(*, actor: User, name: str, exclude_pk=None):
    """Customers of the same head office (branches and the like), as far as actor may see."""
    qs = Customer.objects.visible_to(actor).filter(name_key__startswith=base_key(name))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("owner")[:5]


# --- archive ----------------------------------------------------------------------------------


def _check_owner(actor: User, owner: User | None) -> None:
    if owner is None or owner == actor:
        return
    if not policies.can_assign_customer(actor):
        raise ValidationError({"owner": _("You may not assign customers to other people.")})
    if not owner.is_active:
        raise ValidationError({"owner": _("This user is not active.")})
    if not colleagues(actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Select an account manager of your department.")})


def _apply_archive(customer: Customer, data: dict) -> None:
    unknown = set(data) - set(ARCHIVE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be set here.") for f in sorted(unknown)})
    for field, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(customer, field, value)
    customer.credit_code = normalize_credit_code(customer.credit_code)
    customer.name_key = name_key(customer.name)


#: set by the services themselves, not validated as input
_NOT_CLEANED = ["name_key", "department"]


def _save_checked(obj, *, actor, reason: str = "", **save_kwargs):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.save(**save_kwargs)
    except IntegrityError as exc:
        message = str(exc).lower()
        if "credit_code" in message:
            raise ValidationError(
                {"credit_code": _("A customer with this credit code already exists.")}
            )
        if "name_key" in message:
            raise ValidationError({"name": _("This customer already exists.")})
        raise


@transaction.atomic
def customer_create(*, actor: User, owner: User | None = None, **data) -> Customer:
    if not has_perm(actor, policies.ADD):
        _deny()
    _check_owner(actor, owner)
    customer = Customer(status=CustomerStatus.PROSPECT, created_by=actor)
    _apply_archive(customer, data)
    customer.owner = owner
    dept_source = owner or actor
    if not dept_source.department_id:
        raise ValidationError({"owner": _("The account manager belongs to no department.")})
    customer.department_id = dept_source.department_id
    if customer.region_id is None and owner is not None:
        customer.region_id = owner.region_id
    # duplicates before the constraints, so that the message names the existing customer
    customer.full_clean(exclude=_NOT_CLEANED, validate_constraints=False)
    check_duplicates(actor=actor, name=customer.name, credit_code=customer.credit_code)
    customer.validate_constraints(exclude=_NOT_CLEANED)
    _save_checked(customer, actor=actor)
    return customer


@transaction.atomic
def customer_update(*, actor: User, customer: Customer, **data) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not policies.can_edit_customer(actor, customer):
        _deny()
    if customer.status == CustomerStatus.TERMINATED:
        raise ValidationError(_("A terminated customer's archive is closed and cannot be edited."))
    if customer.code and "credit_code" in data:
        new = normalize_credit_code(data["credit_code"] or "")
        if new != customer.credit_code and not new:
            raise ValidationError(
                {"credit_code": _("A certified customer must keep its credit code.")}
            )
    _apply_archive(customer, data)
    customer.full_clean(exclude=_NOT_CLEANED, validate_constraints=False)
    check_duplicates(
        actor=actor, name=customer.name, credit_code=customer.credit_code, exclude_pk=customer.pk
    )
    customer.validate_constraints(exclude=_NOT_CLEANED)
    _save_checked(customer, actor=actor)
    return customer


@transaction.atomic
def customer_assign(
    *,
    actor: User,
    customer: Customer,
    owner: User | None,
    reason: str = "",
    check_permission: bool = True,
) -> Customer:
    """Give a customer to another account manager (None: to the pool). ``check_permission``
    is False only for workflows that were approved as a whole (handover)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if check_permission:
        if not policies.can_assign_customer(actor, customer):
            _deny()
        if owner is not None:
            _check_owner(actor, owner)
    previous = customer.owner
    if previous == owner:
        return customer
    customer.owner = owner
    if owner is not None and owner.department_id:
        customer.department_id = owner.department_id
    _save_checked(
        customer,
        actor=actor,
        reason=reason or _("Reassigned"),
        update_fields=["owner", "department", "updated_at"],
    )
    recipients = [u for u in (owner, previous) if u is not None and u != actor]
    notify(
        recipients=recipients,
        kind="customer.assigned",
        title=_("Customer reassigned: %(customer)s"),
        body=_("%(actor)s assigned %(customer)s to %(owner)s."),
        params={"customer": customer.name, "actor": actor, "owner": owner or _("the pool")},
        url=f"/customers/{customer.pk}/",
        target=customer,
    )
    return customer


def customer_change_status(
    *, actor: User, customer: Customer, to: str, reason: str = "", **fields
) -> Customer:
    """Lock, check the lifecycle map, save the status with history. Callers check policy."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.status == to:
        raise ValidationError(
            _("The customer is already %(status)s.") % {"status": customer.get_status_display()}
        )
    if not customer.can_transition_to(to):
        raise ValidationError(
            _("A customer cannot go from %(from)s to %(to)s.")
            % {"from": customer.get_status_display(), "to": CustomerStatus(to).label}
        )
    customer.status = to
    customer.status_changed_at = timezone.now()
    customer.status_reason = reason[:300]
    for key, value in fields.items():
        setattr(customer, key, value)
    _save_checked(
        customer,
        actor=actor,
        reason=reason,
        update_fields=["status", "status_changed_at", "status_reason", "updated_at", *fields],
    )
    return customer


@transaction.atomic
def customer_set_dormant(*, actor: User, customer: Customer, reason: str = "") -> Customer:
    if not policies.can_edit_customer(actor, customer):
        _deny()
    return customer_change_status(
        actor=actor, customer=customer, to=CustomerStatus.DORMANT, reason=reason
    )


@transaction.atomic
def customer_reactivate(*, actor: User, customer: Customer, reason: str = "") -> Customer:
    if not policies.can_edit_customer(actor, customer):
        _deny()
    return customer_change_status(
        actor=actor, customer=customer, to=CustomerStatus.ACTIVE, reason=reason
    )


@transaction.atomic
def customer_terminate(*, actor: User, customer: Customer, reason: str) -> Customer:
    """交易终止/解除: the archive is kept and marked, and leaves the active roster."""
    if not policies.can_edit_customer(actor, customer):
        _deny()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for terminating the relationship.")})
    return customer_change_status(
        actor=actor, customer=customer, to=CustomerStatus.TERMINATED, reason=reason
    )


@transaction.atomic
def customer_delete(*, actor: User, customer: Customer) -> None:
    """Only a prospect entered by mistake can be deleted; anything else is terminated."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not policies.can_delete_customer(actor, customer):
        _deny()
    if customer.status != CustomerStatus.PROSPECT or customer.code:
        raise ValidationError(
            _(
                "Only prospects can be deleted. Terminate this customer instead; "
                "its archive is kept."
            )
        )
    if customer.certifications.exclude(approval_status="draft").exists():
        raise ValidationError(
            _(
                "This prospect has a certification history and cannot be deleted. "
                "Terminate it instead."
            )
        )
    customer._history_user = actor
    customer.delete()


def record_activity(*, customer_id: int, at=None) -> None:
    """Remember a customer's latest follow-up — a visit, a signed contract, a payment. It
    feeds the pool's recycling and the churn-risk list. Only moves forward; bookkeeping, so
    it writes no history row. Every app calls this, none updates the field itself."""
    at = at or timezone.now()
    Customer.objects.filter(pk=customer_id).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=at)
    ).update(last_activity_at=at)


# --- team ---------------------------------------------------------------------------------------


@transaction.atomic
def team_member_add(
    *, actor: User, customer: Customer, user: User, role: str
) -> CustomerTeamMember:
    if not policies.can_edit_customer(actor, customer):
        _deny()
    if user == customer.owner:
        raise ValidationError(
            {"user": _("The account manager is already responsible for this customer.")}
        )
    if not user.is_active:
        raise ValidationError({"user": _("This user is not active.")})
    member = CustomerTeamMember(customer=customer, user=user, role=role)
    member.full_clean(exclude=["customer", "user"])
    if CustomerTeamMember.objects.filter(customer=customer, user=user).exists():
        raise ValidationError({"user": _("%(user)s is already in the team.") % {"user": user}})
    member._history_user = actor
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError({"user": _("%(user)s is already in the team.") % {"user": user}})
    return member


@transaction.atomic
def team_member_remove(*, actor: User, member: CustomerTeamMember) -> None:
    if not policies.can_edit_customer(actor, member.customer):
        _deny()
    member._history_user = actor
    member.delete()


# --- contacts -----------------------------------------------------------------------------------


def _apply_contact(contact: Contact, data: dict) -> None:
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be set here.") for f in sorted(unknown)})
    for field, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(contact, field, value)
    if not any([contact.phone, contact.mobile, contact.email, contact.wechat]):
        raise ValidationError(
            {
                "mobile": _(
                    "Give at least one way to reach the contact (phone, mobile, e-mail or WeChat)."
                )
            }
        )


def _save_contact(contact: Contact, actor: User) -> Contact:
    contact.full_clean(exclude=["customer"])
    if contact.is_primary:
        for other in (
            Contact.objects.select_for_update()
            .filter(customer_id=contact.customer_id, is_primary=True)
            .exclude(pk=contact.pk)
        ):
            other.is_primary = False
            other._history_user = actor
            other.save(update_fields=["is_primary", "updated_at"])
    contact._history_user = actor
    contact.save()
    return contact


@transaction.atomic
def contact_create(*, actor: User, customer: Customer, **data) -> Contact:
    if not policies.can_add_contacts(actor, customer):
        _deny()
    if customer.status == CustomerStatus.TERMINATED:
        raise ValidationError(_("A terminated customer's archive is closed and cannot be edited."))
    contact = Contact(customer=customer, created_by=actor)
    _apply_contact(contact, data)
    return _save_contact(contact, actor)


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, **data) -> Contact:
    contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    if not policies.can_edit_contacts(actor, contact.customer):
        _deny()
    _apply_contact(contact, data)
    return _save_contact(contact, actor)


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    if not policies.can_delete_contacts(actor, contact.customer):
        _deny()
    contact._history_user = actor
    contact.delete()


# --- surveys and certification -----------------------------------------------------------------


@transaction.atomic
def survey_record(*, actor: User, customer: Customer, **data) -> CustomerSurvey:
    if not policies.can_record_survey(actor, customer):
        _deny()
    unknown = set(data) - set(SURVEY_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be set here.") for f in sorted(unknown)})
    survey = CustomerSurvey(customer=customer, created_by=actor, **data)
    if survey.survey_date and survey.survey_date > timezone.localdate():
        raise ValidationError({"survey_date": _("A survey cannot be dated in the future.")})
    survey.full_clean(exclude=["customer"])
    survey.save()
    return survey


def _apply_certification(application: CertificationApplication, data: dict) -> None:
    unknown = set(data) - set(CERTIFICATION_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be set here.") for f in sorted(unknown)})
    for field, value in data.items():
        setattr(application, field, value.strip() if isinstance(value, str) else value)
    application.full_clean(exclude=["customer"])


@transaction.atomic
def certification_create(
    *, actor: User, customer: Customer, submit: bool = False, **data
) -> CertificationApplication:
    """Draft a certification application; with ``submit`` also send it for approval, all or
    nothing."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not policies.can_apply_certification(actor, customer):
        _deny()
    if customer.status != CustomerStatus.PROSPECT:
        raise ValidationError(_("Only a prospect can apply for certification."))
    if customer.certifications.filter(approval_status__in=["draft", "submitted"]).exists():
        raise ValidationError(_("This customer already has an open certification application."))
    application = CertificationApplication(customer=customer, created_by=actor)
    _apply_certification(application, data)
    application._history_user = actor
    application.save()
    if submit:
        approval_submit(actor=actor, document=application)
        application.refresh_from_db()
    return application


@transaction.atomic
def certification_update(
    *, actor: User, application: CertificationApplication, submit: bool = False, **data
):
    application = CertificationApplication.objects.select_for_update().get(pk=application.pk)
    if not policies.can_apply_certification(actor, application.customer):
        _deny()
    application.ensure_editable()
    _apply_certification(application, data)
    application._history_user = actor
    application.save()
    if submit:
        approval_submit(actor=actor, document=application)
        application.refresh_from_db()
    return application


def certification_submit(*, actor: User, application: CertificationApplication):
    return approval_submit(actor=actor, document=application)


@transaction.atomic
def customer_certify(*, actor: User, customer: Customer) -> Customer:
    """Certification approved: the customer gets its code (sequential per region, never
    reused) and becomes active. Called by the approval engine only."""
    customer = (
        Customer.objects.select_for_update(of=("self",))  # region is nullable: an outer join
        .select_related("region")
        .get(pk=customer.pk)
    )
    region_code = (customer.region.code if customer.region_id else "XX").upper()
    code = next_code(
        key=f"customer:{region_code}",
        pattern=settings.KAMCRM["CUSTOMER_CODE_PATTERN"],
        region=region_code,
    )
    return customer_change_status(
        actor=actor,
        customer=customer,
        to=CustomerStatus.ACTIVE,
        reason=_("Certification approved"),
        code=code,
        certified_at=timezone.now(),
    )
