"""Data visibility (DESIGN §2), implemented once.

Every model whose records belong to a customer declares a :class:`ScopeSpec` and uses
:class:`ScopedQuerySet`; ``Model.objects.visible_to(user)`` is then the only way HTML views,
API viewsets, exports, search and dashboards read it:

- **own**: the user's customers (owned, on the team, or created by the user) and their
  records, plus records the user created (and records naming the user in one of
  ``ScopeSpec.users``, e.g. a handler);
- **department**: all of the above, plus everything in the user's department and below;
- **all**: everything.

A user without an active position sees nothing. A record outside scope is *not found*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q

from .models.org import DataScope, Department

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopeSpec:
    #: lookup path from the model to its Customer; "" when the model *is* the customer;
    #: None when the record belongs to no customer.
    customer: str | None = "customer"
    #: lookup path to the Department FK that places the record in the tree.
    department: str | None = "customer__department"
    #: user FK of the record's creator ("own" includes what you created).
    creator: str | None = "created_by"
    #: further user FK paths that make a record the user's own (owner, handler, ...).
    users: tuple[str, ...] = ()
    #: extra "own" rule for special models: a callable user -> Q.
    extra_own: Callable | None = field(default=None, compare=False)


def _customer_model():
    return apps.get_model("customers", "Customer")


def owned_customers(user) -> models.QuerySet:
    """Ids of the user's own customers (a subquery): owned, on the team, or created by them.
    A customer's records (contacts, visits, contracts, ...) follow the customer."""
    Customer = _customer_model()
    return Customer.objects.filter(owned_customer_q(user)).values("pk")


def owned_customer_q(user) -> Q:
    Team = apps.get_model("customers", "CustomerTeamMember")
    return (
        Q(owner=user)
        | Q(created_by=user)
        | Q(pk__in=Team.objects.filter(user=user).values("customer_id"))
    )


def department_subtree(user) -> models.QuerySet | None:
    if not user.department_id:
        return None
    return Department.objects.filter(path__startswith=user.department.path).values("pk")


def own_q(spec: ScopeSpec, user) -> Q:
    q = NOTHING
    if spec.customer == "":
        q |= owned_customer_q(user)
    elif spec.customer:
        q |= Q(**{f"{spec.customer}__in": owned_customers(user)})
    if spec.creator:
        q |= Q(**{spec.creator: user})
    for path in spec.users:
        q |= Q(**{path: user})
    if spec.extra_own is not None:
        q |= spec.extra_own(user)
    return q


def visibility_q(model, user) -> Q:
    """The filter that restricts ``model`` to what ``user`` may see."""
    if user is None or not user.is_authenticated:
        return NOTHING
    scope = user.data_scope
    if scope is None:
        return NOTHING
    if scope == DataScope.ALL:
        return Q()
    spec: ScopeSpec = model.data_scope_spec
    q = own_q(spec, user)
    if scope == DataScope.DEPARTMENT and spec.department:
        subtree = department_subtree(user)
        if subtree is not None:
            q |= Q(**{f"{spec.department}__in": subtree})
    return q


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScopedQuerySet:
        return self.filter(visibility_q(self.model, user))

    def owned_by(self, user) -> ScopedQuerySet:
        """Only the user's own records (the "own" rule), whatever their scope."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(own_q(self.model.data_scope_spec, user))
