"""The customers app's contributions to shared mechanisms: the customer timeline (archive,
contact and team changes) and the handover of a leaving employee's customers."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.handover.registry import HandoverSource, register_source

from .models import Customer, CustomerTeamMember
from .timeline import TimelineEntry, timeline_source


@timeline_source("archive")
def archive_timeline(customer, actor, limit):
    from .selectors import customer_history

    entries = []
    labels = {"+": _("Created"), "-": _("Deleted"), "~": _("Changed")}
    for h in customer_history(customer=customer)[:limit]:
        entries.append(
            TimelineEntry(
                at=h.at,
                kind="archive",
                title=f"{labels.get(h.kind, h.kind)} {h.what or _('Archive')}",
                detail=h.reason,
                actor=str(h.user) if h.user else "",
                changes=h.changes,
            )
        )
    return entries


def _move_customers(*, items, to_user, actor):
    from .services import customer_assign

    moved = 0
    for customer in items.select_for_update(of=("self",)):
        customer_assign(
            actor=actor,
            customer=customer,
            owner=to_user,
            reason=_("Handover"),
            check_permission=False,
        )
        moved += 1
    return moved


def _move_memberships(*, items, to_user, actor):
    moved = 0
    with transaction.atomic():
        for member in items.select_related("customer"):
            member._history_user = actor
            if (
                member.customer.owner_id == to_user.pk
                or CustomerTeamMember.objects.filter(
                    customer_id=member.customer_id, user=to_user
                ).exists()
            ):
                member.delete()
            else:
                member.user = to_user
                member.save(update_fields=["user"])
            moved += 1
    return moved


register_source(
    HandoverSource(
        key="customers",
        label=gettext_lazy("Customers (account manager)"),
        order=10,
        items=lambda user: Customer.objects.filter(owner=user).exclude(status="terminated"),
        move=_move_customers,
        describe=lambda c: f"{c.name}（{c.get_grade_display()}）",
    )
)
register_source(
    HandoverSource(
        key="customer_team",
        label=gettext_lazy("Customer teams (co-owner, service)"),
        order=11,
        items=lambda user: CustomerTeamMember.objects.filter(user=user),
        move=_move_memberships,
        describe=lambda m: f"{m.customer}（{m.get_role_display()}）",
    )
)
