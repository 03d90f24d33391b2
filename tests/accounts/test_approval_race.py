"""Races on the approval engine: two approvers deciding the same step at the same moment, two
submissions of the same document at once. Each side runs in its own thread with its own
database connection, so the database's locking decides — as between two web workers.

PostgreSQL: the request row is locked (SELECT ... FOR UPDATE) and its version checked.
SQLite (a file, IMMEDIATE transactions): the second writer waits at BEGIN for the first to
commit, then sees its result. The winner is held inside its transaction for a moment (a slow
notification) so that the two transactions surely overlap instead of running one after the
other by luck."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import ApprovalEvent, ApprovalRequest, Notification, NumberSequence
from accounts.services import approvals as engine
from accounts.services.approvals import (
    Decision,
    approval_decide,
    approval_submit,
    approval_withdraw,
)
from config.exceptions import ConflictError
from customers import services as customer_services
from customers.models import CertificationApplication, Customer, CustomerStatus
from tests.accounts.helpers import MANAGER_LIMIT, run_concurrently

# serialized_rollback: a transactional test empties the database afterwards; this puts the
# seeded positions and approval ladder back for the next one
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOLD_SECONDS = 0.3


@pytest.fixture(autouse=True)
def slow_notifications(monkeypatch):
    """Every transition notifies somebody just before it commits: make that take a while."""
    notify = engine.notify

    def slow_notify(**kwargs):
        time.sleep(HOLD_SECONDS)
        return notify(**kwargs)

    monkeypatch.setattr(engine, "notify", slow_notify)


def split(outcomes):
    """→ (index of the single winner, the loser's exception)."""
    kinds = [kind for kind, _value in outcomes]
    assert sorted(kinds) == ["error", "ok"], outcomes
    winner = kinds.index("ok")
    return winner, outcomes[1 - winner][1]


@pytest.mark.parametrize("send_version", [True, False], ids=["with-version", "no-version"])
@pytest.mark.parametrize("second", [Decision.APPROVE, Decision.REJECT])
@pytest.mark.parametrize(
    "amount", [Decimal("3000000"), MANAGER_LIMIT + 1], ids=["1-step", "2-step"]
)
def test_two_approvers_decide_the_same_step_at_once(
    people, application_for, deputy, amount, second, send_version
):
    am1, manager = people["am1"], people["manager"]
    application = application_for(am1, amount=amount)
    request = approval_submit(actor=am1, document=application)
    two_steps = amount > MANAGER_LIMIT
    deciders = [(manager, Decision.APPROVE), (deputy, second)]

    def decide(user, decision):
        return lambda: approval_decide(
            actor=user,
            request_id=request.pk,
            decision=decision,
            comment="意见" if decision == Decision.REJECT else "",
            expected_version=1 if send_version else None,
        )

    outcomes = run_concurrently(*(decide(user, decision) for user, decision in deciders))

    winner, error = split(outcomes)
    winner_user, decision = deciders[winner]
    assert isinstance(error, ConflictError), repr(error)
    assert str(winner_user) in str(error.message)

    request.refresh_from_db()
    assert request.version == 2
    step = request.steps.get(sequence=1)
    assert step.decided_by == winner_user
    decided = ApprovalEvent.objects.filter(request=request, step__isnull=False)
    assert list(decided.values_list("actor__username", flat=True)) == [winner_user.username]
    customer = Customer.objects.get(pk=application.customer_id)
    if decision == Decision.REJECT:
        assert (request.status, step.status) == ("rejected", "rejected")
        assert customer.status == CustomerStatus.PROSPECT
        assert customer.code is None
        assert Notification.objects.filter(kind="approval.rejected").count() == 1
    elif two_steps:
        assert (request.status, request.current_step) == ("pending", 2)
        assert customer.status == CustomerStatus.UNDER_REVIEW
        assert (
            Notification.objects.filter(
                kind="approval.waiting", recipient__username="director"
            ).count()
            == 1
        )
    else:
        assert request.status == "approved"
        assert ApprovalEvent.objects.filter(request=request, action="approved").count() == 1
        assert customer.status == CustomerStatus.ACTIVE
        assert customer.code == "KABJ00001"
        assert Customer.objects.exclude(code=None).count() == 1
        assert NumberSequence.objects.get(key="customer:BJ").last_value == 1
        assert Notification.objects.filter(kind="approval.approved").count() == 1


def test_approve_and_withdraw_at_once(people, application_for):
    am1, manager = people["am1"], people["manager"]
    application = application_for(am1)
    request = approval_submit(actor=am1, document=application)

    outcomes = run_concurrently(
        lambda: approval_decide(
            actor=manager, request_id=request.pk, decision=Decision.APPROVE, expected_version=1
        ),
        lambda: approval_withdraw(actor=am1, request_id=request.pk),
    )

    winner, error = split(outcomes)
    assert isinstance(error, ConflictError), repr(error)
    request.refresh_from_db()
    customer = Customer.objects.get(pk=application.customer_id)
    if winner == 0:
        assert request.status == "approved"
        assert (customer.status, customer.code) == (CustomerStatus.ACTIVE, "KABJ00001")
    else:
        assert request.status == "withdrawn"
        assert (customer.status, customer.code) == (CustomerStatus.PROSPECT, None)
    assert request.events.exclude(action="submitted").count() == 1


def test_two_submissions_of_the_same_document_at_once(people, application_for):
    am1 = people["am1"]
    application = application_for(am1)

    def submit():
        document = CertificationApplication.objects.get(pk=application.pk)  # as a request would
        return approval_submit(actor=am1, document=document)

    outcomes = run_concurrently(submit, submit)

    _winner, error = split(outcomes)
    assert isinstance(error, ConflictError), repr(error)
    assert ApprovalRequest.objects.count() == 1
    request = ApprovalRequest.objects.get()
    assert request.status == "pending"
    assert request.steps.count() == 1
    assert list(request.events.values_list("action", flat=True)) == ["submitted"]
    assert Notification.objects.filter(kind="approval.waiting").count() == 1
    application.refresh_from_db()
    assert application.approval_status == "submitted"
    assert application.customer.status == CustomerStatus.UNDER_REVIEW


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks: SQLite runs write transactions one at a time (BEGIN IMMEDIATE), so "
    "two of them can never wait for each other",
)
def test_a_decision_and_a_reassignment_of_the_customer_do_not_deadlock(
    people, application_for, monkeypatch
):
    """The decision locks the request; meanwhile the customer is reassigned (customer row
    locked, the previous owner — the author — notified); then the decision certifies the
    customer. Locking more than the request row (its department, its author) made the two
    wait for each other: a deadlock, one of them aborted by PostgreSQL."""
    am1, am2 = people["am1"], people["am2"]
    application = application_for(am1)
    request = approval_submit(actor=am1, document=application)
    request_locked, customer_locked = threading.Event(), threading.Event()

    can_decide = engine.can_decide

    def can_decide_then_wait(*args, **kwargs):  # called with the request row locked
        request_locked.set()
        customer_locked.wait(timeout=10)
        time.sleep(0.5)  # the reassignment is now notifying the previous owner
        return can_decide(*args, **kwargs)

    notify = customer_services.notify

    def notify_with_customer_locked(**kwargs):
        customer_locked.set()
        return notify(**kwargs)

    monkeypatch.setattr(engine, "can_decide", can_decide_then_wait)
    monkeypatch.setattr(customer_services, "notify", notify_with_customer_locked)

    def reassign():
        assert request_locked.wait(timeout=10)
        return customer_services.customer_assign(
            actor=people["director"], customer=application.customer, owner=am2
        )

    outcomes = run_concurrently(
        lambda: approval_decide(
            actor=people["manager"], request_id=request.pk, decision=Decision.APPROVE
        ),
        reassign,
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    customer = Customer.objects.get(pk=application.customer_id)
    assert (customer.owner, customer.status, customer.code) == (am2, "active", "KABJ00001")
