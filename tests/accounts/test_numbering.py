"""Code numbering (accounts.services.numbering): sequential per key, never reused, decided by
the database even when several workers ask at the same moment."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import NumberSequence
from accounts.services.approvals import Decision, approval_decide, approval_submit
from accounts.services.numbering import next_code, next_number
from customers.models import Customer
from customers.services import customer_terminate
from tests.accounts.helpers import run_concurrently


@pytest.mark.django_db
def test_numbers_are_sequential_per_key():
    assert [next_number("test:a") for _ in range(3)] == [1, 2, 3]
    assert next_number("test:b") == 1
    assert next_number("test:a") == 4
    assert dict(NumberSequence.objects.values_list("key", "last_value")) == {
        "test:a": 4,
        "test:b": 1,
    }


@pytest.mark.django_db
def test_next_code_formats_the_number():
    assert next_code(key="test:code", pattern="HT{year}-{seq:04d}", year=2026) == "HT2026-0001"
    assert next_code(key="test:code", pattern="HT{year}-{seq:04d}", year=2026) == "HT2026-0002"


@pytest.mark.django_db
def test_a_number_taken_by_a_rolled_back_transaction_may_be_given_again():
    """The counter is part of the transaction that stores the code: a failed save takes its
    number back, so no gap appears (and no number is handed out twice)."""
    assert next_number("test:rollback") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number("test:rollback") == 2
        raise RuntimeError("the document could not be saved")
    assert next_number("test:rollback") == 2


@pytest.mark.django_db
def test_the_key_is_unique_in_the_database():
    NumberSequence.objects.create(key="test:unique")
    with pytest.raises(IntegrityError), transaction.atomic():
        NumberSequence.objects.create(key="test:unique")


def certify(people, application_for, owner, approver="manager"):
    application = application_for(owner)
    request = approval_submit(actor=owner, document=application)
    approval_decide(actor=people[approver], request_id=request.pk, decision=Decision.APPROVE)
    return Customer.objects.get(pk=application.customer_id)


@pytest.mark.django_db
def test_customer_codes_are_never_reused(people, application_for):
    am1, am2 = people["am1"], people["am2"]
    first = certify(people, application_for, am1)
    assert first.code == "KABJ00001"
    assert certify(people, application_for, am2).code == "KASH00001"  # per region

    customer_terminate(actor=people["manager"], customer=first, reason="交易终止")
    assert certify(people, application_for, am1).code == "KABJ00002"

    # even a customer removed from the database (by an administrator) keeps its number used
    Customer.objects.filter(code="KABJ00002").delete()
    assert certify(people, application_for, am1).code == "KABJ00003"
    assert sorted(Customer.objects.exclude(code=None).values_list("code", flat=True)) == [
        "KABJ00001",
        "KABJ00003",
        "KASH00001",
    ]


@pytest.mark.django_db
def test_a_customer_without_region_gets_the_fallback_series(people, application_for):
    customer = certify(people, application_for, people["am3"], "manager2")  # am3: no region
    assert customer.code == "KAXX00001"


THREADS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("existing", [True, False], ids=["existing-key", "new-key"])
def test_concurrent_callers_get_distinct_consecutive_numbers(existing):
    key = "test:concurrent"
    if existing:
        NumberSequence.objects.create(key=key, last_value=100)
    start = 100 if existing else 0

    def take():
        with transaction.atomic():  # as a service storing the code would
            return next_number(key)

    outcomes = run_concurrently(*([take] * THREADS))

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    numbers = sorted(value for _kind, value in outcomes)
    assert numbers == list(range(start + 1, start + THREADS + 1))
    assert NumberSequence.objects.get(key=key).last_value == start + THREADS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_customers_certified_at_the_same_moment_get_distinct_codes(people, application_for):
    am1, manager = people["am1"], people["manager"]
    requests = [approval_submit(actor=am1, document=application_for(am1)) for _ in range(4)]

    def approve(request):
        return lambda: approval_decide(
            actor=manager, request_id=request.pk, decision=Decision.APPROVE
        )

    outcomes = run_concurrently(*(approve(request) for request in requests))

    assert [kind for kind, _ in outcomes] == ["ok"] * 4, outcomes
    assert sorted(Customer.objects.exclude(code=None).values_list("code", flat=True)) == [
        "KABJ00001",
        "KABJ00002",
        "KABJ00003",
        "KABJ00004",
    ]
