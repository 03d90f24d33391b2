"""Reads of customer data. Every one starts from the viewer's scope (accounts.scopes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from accounts.models import ApprovalRequest, User
from accounts.policies import get_visible_or_404
from accounts.services.approvals import request_for

from .filters import ContactFilter, CustomerFilter
from .models import (
    CertificationApplication,
    Contact,
    Customer,
    CustomerSurvey,
    CustomerTeamMember,
)
from .timeline import customer_timeline


def customer_list(*, actor: User, filters: dict | None = None) -> QuerySet[Customer]:
    qs = Customer.objects.visible_to(actor).with_list_relations()
    filterset = CustomerFilter(filters or {}, queryset=qs, request=SimpleNamespace(user=actor))
    if not filterset.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError(filterset.errors)
    return filterset.qs


def customer_get(*, actor: User, pk, request=None) -> Customer:
    return get_visible_or_404(Customer.objects.with_list_relations(), actor, request=request, pk=pk)


def contact_list(*, actor: User, filters: dict | None = None) -> QuerySet[Contact]:
    qs = Contact.objects.visible_to(actor).select_related("customer")
    filterset = ContactFilter(filters or {}, queryset=qs)
    if not filterset.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError(filterset.errors)
    return filterset.qs


def contact_get(*, actor: User, pk, request=None) -> Contact:
    return get_visible_or_404(
        Contact.objects.select_related("customer"), actor, request=request, pk=pk
    )


@dataclass
class HistoryEntry:
    at: object
    user: object
    kind: str  # "+", "~", "-"
    what: str
    changes: list[tuple[str, str, str]]  # (field label, old, new)
    reason: str


#: bookkeeping fields that never show in the history
_HIDDEN_HISTORY_FIELDS = {
    "id",
    "updated_at",
    "created_at",
    "name_key",
    "status_changed_at",
    "status_reason",
    "customer",
    "created_by",
}


def _display(record, field) -> str:
    value = getattr(record, field.attname, None)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _diff_records(records, describe) -> list[HistoryEntry]:
    """Turn simple-history rows (oldest first) into readable entries. ``describe(record)``
    names what changed (e.g. "联系人：张伟"), or "" for the archive itself."""
    entries: list[HistoryEntry] = []
    previous_by_id: dict = {}
    for record in records:
        obj_id = record.id
        prev = previous_by_id.get(obj_id)
        history_fields = {h.name for h in record._meta.fields}
        fields = [
            f
            for f in record.instance_type._meta.fields
            if f.name in history_fields and f.name not in _HIDDEN_HISTORY_FIELDS
        ]
        changes = []
        if prev is not None and record.history_type == "~":
            for field in fields:
                old, new = getattr(prev, field.attname), getattr(record, field.attname)
                if old != new:
                    changes.append(
                        (str(field.verbose_name), _display(prev, field), _display(record, field))
                    )
            if not changes and not record.history_change_reason:
                previous_by_id[obj_id] = record
                continue
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                kind=record.history_type,
                what=describe(record),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
        previous_by_id[obj_id] = record
    return entries


def customer_history(*, customer: Customer) -> list[HistoryEntry]:
    """Every change to the archive, its contacts and its team, newest first."""
    archive = customer.history.select_related(
        "history_user", "owner", "region", "industry", "department"
    ).order_by("history_date", "history_id")
    contacts = (
        Contact.history.filter(customer_id=customer.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    team = (
        CustomerTeamMember.history.filter(customer_id=customer.pk)
        .select_related("history_user", "user")
        .order_by("history_date", "history_id")
    )
    contact_label = capfirst(Contact._meta.verbose_name)
    team_label = capfirst(CustomerTeamMember._meta.verbose_name)
    entries = (
        _diff_records(list(archive), lambda r: "")
        + _diff_records(list(contacts), lambda r: f"{contact_label}：{r.name}")
        + _diff_records(list(team), lambda r: f"{team_label}：{r.user}")
    )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


@dataclass
class CustomerDetail:
    customer: Customer
    contacts: list
    team: list
    surveys: list
    certifications: list
    approval: ApprovalRequest | None
    timeline: list


def customer_detail(*, actor: User, pk, request=None) -> CustomerDetail:
    customer = customer_get(actor=actor, pk=pk, request=request)
    certifications = list(
        CertificationApplication.objects.filter(customer=customer).select_related("created_by")
    )
    open_cert = next(
        (c for c in certifications if c.approval_status in ("submitted", "rejected", "draft")), None
    )
    approval = request_for(open_cert) if open_cert is not None else None
    return CustomerDetail(
        customer=customer,
        contacts=list(Contact.objects.filter(customer=customer)),
        team=list(
            CustomerTeamMember.objects.filter(customer=customer).select_related(
                "user", "user__position"
            )
        ),
        surveys=list(CustomerSurvey.objects.filter(customer=customer).select_related("created_by")),
        certifications=certifications,
        approval=approval,
        timeline=customer_timeline(customer=customer, actor=actor),
    )


def certification_get(*, actor: User, pk, request=None) -> CertificationApplication:
    return get_visible_or_404(
        CertificationApplication.objects.select_related("customer", "created_by"),
        actor,
        request=request,
        pk=pk,
    )


def team_prefetch():
    return Prefetch("team_members", queryset=CustomerTeamMember.objects.select_related("user"))
