"""The approval engine (accounts.services.approvals) as a state machine, driven by its first
real document type, customer certification, plus unit tests of the chain builder on a
made-up document type (``build_chain`` needs only a type and an amount).

Seeded certification ladder: 1. department manager, mandatory, authority 10,000,000;
2. sales director, no limit. Personas: tests/conftest.py."""

from decimal import Decimal

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from accounts.models import (
    ApprovalAuthority,
    ApprovalChainStep,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    Notification,
    Position,
    User,
)
from accounts.models.approvable import ApprovalState
from accounts.services.approvals import (
    Decision,
    approval_decide,
    approval_submit,
    approval_withdraw,
    approvals_waiting_for,
    build_chain,
    can_decide,
    eligible_approvers,
)
from config.exceptions import ApplicationError, ConflictError
from customers.models import CertificationApplication, Customer, CustomerStatus
from customers.services import certification_update
from tests.accounts.helpers import MANAGER_LIMIT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CERTIFICATION = "customers.certification"
ABOVE_LIMIT = MANAGER_LIMIT + Decimal("0.01")


def approve(actor, request, **kwargs):
    return approval_decide(actor=actor, request_id=request.pk, decision=Decision.APPROVE, **kwargs)


def reject(actor, request, comment, **kwargs):
    return approval_decide(
        actor=actor, request_id=request.pk, decision=Decision.REJECT, comment=comment, **kwargs
    )


def step_states(request):
    return list(request.steps.order_by("sequence").values_list("position__code", "status"))


def history(request):
    return list(request.events.values_list("action", "actor__username", "comment"))


def recipients(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def assert_untouched(request, *, version=1, step=1):
    """Nothing was written by a refused decision."""
    fresh = ApprovalRequest.objects.get(pk=request.pk)
    assert (fresh.status, fresh.version, fresh.current_step) == ("pending", version, step)
    assert fresh.steps.get(sequence=step).status == ApprovalStep.Status.PENDING
    # the submission and one approval per earlier step, nothing more
    assert fresh.events.count() == step


# --- chain building (made-up document type) -------------------------------------------------

EXPENSE = "test.expense_claim"


@pytest.fixture
def ladder(db):
    """test.expense_claim: manager up to 50,000 → VP up to 500,000 → GM without limit."""
    for sequence, (code, limit) in enumerate(
        [("dept_manager", Decimal("50000")), ("vp", Decimal("500000")), ("gm", None)], start=1
    ):
        position = Position.objects.get(code=code)
        ApprovalChainStep.objects.create(
            document_type=EXPENSE, sequence=sequence, position=position
        )
        ApprovalAuthority.objects.create(document_type=EXPENSE, position=position, max_amount=limit)


def codes(chain):
    return [rung.position.code for rung in chain]


@pytest.mark.parametrize(
    "amount, expected",
    [
        (Decimal("0"), ["dept_manager"]),
        (Decimal("49999.99"), ["dept_manager"]),
        (Decimal("50000"), ["dept_manager"]),  # at the limit: still the manager's
        (Decimal("50000.01"), ["dept_manager", "vp"]),
        (Decimal("500000"), ["dept_manager", "vp"]),
        (Decimal("500000.01"), ["dept_manager", "vp", "gm"]),
        (Decimal("99999999999"), ["dept_manager", "vp", "gm"]),
        (None, ["dept_manager"]),  # a document without an amount: the first authority
    ],
)
def test_chain_climbs_until_an_authority_covers_the_amount(ladder, amount, expected):
    assert codes(build_chain(EXPENSE, amount)) == expected


def test_mandatory_rungs_are_included_whatever_the_amount(ladder):
    finance = Position.objects.get(code="finance")
    ApprovalChainStep.objects.create(
        document_type=EXPENSE, sequence=4, position=finance, mandatory=True
    )
    ApprovalChainStep.objects.filter(document_type=EXPENSE, position__code="vp").update(
        mandatory=True
    )
    assert codes(build_chain(EXPENSE, Decimal("100"))) == ["dept_manager", "vp", "finance"]
    assert codes(build_chain(EXPENSE, Decimal("600000"))) == [
        "dept_manager",
        "vp",
        "gm",
        "finance",
    ]


def test_a_rung_without_authority_never_ends_the_chain(ladder):
    # authorities are per document type: the manager's limit for another type does not count
    ApprovalAuthority.objects.filter(document_type=EXPENSE, position__code="dept_manager").update(
        document_type="test.other"
    )
    assert codes(build_chain(EXPENSE, Decimal("1"))) == ["dept_manager", "vp"]


def test_no_rung_covering_the_amount_is_a_clear_error(ladder):
    ApprovalAuthority.objects.filter(document_type=EXPENSE, position__code="gm").update(
        max_amount=Decimal("1000000")
    )
    assert codes(build_chain(EXPENSE, Decimal("1000000"))) == ["dept_manager", "vp", "gm"]
    with pytest.raises(ApplicationError) as refused:
        build_chain(EXPENSE, Decimal("1000000.01"))
    assert "1000000.01" in str(refused.value.message)


def test_a_document_type_without_a_ladder_is_a_clear_error(db):
    with pytest.raises(ApplicationError) as refused:
        build_chain("test.unconfigured", Decimal("1"))
    assert "test.unconfigured" in str(refused.value.message)


def test_seeded_certification_ladder():
    assert codes(build_chain(CERTIFICATION, MANAGER_LIMIT)) == ["dept_manager"]
    assert codes(build_chain(CERTIFICATION, ABOVE_LIMIT)) == ["dept_manager", "sales_director"]


def test_ladder_configuration_is_guarded_by_the_database(ladder):
    gm = Position.objects.get(code="gm")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalChainStep.objects.create(document_type=EXPENSE, sequence=1, position=gm)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalAuthority.objects.create(
            document_type="test.other", position=gm, max_amount=Decimal("-1")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalAuthority.objects.create(document_type=EXPENSE, position=gm, max_amount=None)


# --- submit -----------------------------------------------------------------------------------


def test_submit_from_draft_starts_the_chain_and_notifies_the_approver(people, application_for):
    am1, manager = people["am1"], people["manager"]
    application = application_for(am1, amount=Decimal("3000000"))

    request = approval_submit(actor=am1, document=application, comment="请审批")

    application.refresh_from_db()
    assert application.approval_status == ApprovalState.SUBMITTED
    assert application.customer.status == CustomerStatus.UNDER_REVIEW
    request.refresh_from_db()
    assert (request.status, request.current_step, request.version) == ("pending", 1, 1)
    assert request.document == application
    assert request.document_type == CERTIFICATION
    assert request.amount == Decimal("3000000")
    assert request.department == people["am1"].department
    assert request.submitted_by == am1
    assert application.customer.name in request.title
    assert step_states(request) == [("dept_manager", "pending")]
    assert request.steps.get().activated_at is not None
    assert history(request) == [("submitted", "am1", "请审批")]
    # the manager of 大客户部 only: not the other department's manager, not the director
    assert recipients("approval.waiting") == ["manager"]
    waiting = Notification.objects.get(recipient=manager)
    assert waiting.url == f"/approvals/{request.pk}/"
    assert waiting.target_id == request.pk


def test_amount_above_the_managers_authority_adds_the_director(people, application_for):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=ABOVE_LIMIT))
    assert step_states(request) == [("dept_manager", "pending"), ("sales_director", "waiting")]
    assert request.steps.get(sequence=2).activated_at is None
    assert recipients("approval.waiting") == ["manager"]  # the director is told later


def test_repeated_submit_is_refused_and_writes_nothing(people, application_for):
    am1 = people["am1"]
    application = application_for(am1)
    approval_submit(actor=am1, document=application)

    with pytest.raises(ConflictError):
        approval_submit(actor=am1, document=application)

    assert ApprovalRequest.objects.count() == 1
    assert ApprovalEvent.objects.count() == 1
    assert Notification.objects.count() == 1


def test_one_pending_request_per_document_is_a_database_constraint(people, application_for):
    am1 = people["am1"]
    application = application_for(am1)
    request = approval_submit(actor=am1, document=application)

    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.create(
            document_type=CERTIFICATION,
            content_type=request.content_type,
            object_id=request.object_id,
            title="duplicate",
            department=request.department,
            submitted_by=am1,
        )
    # even if the statuses were wrong (written around the services), the engine still refuses
    # a second request for the document
    CertificationApplication.objects.filter(pk=application.pk).update(approval_status="draft")
    Customer.objects.filter(pk=application.customer_id).update(status=CustomerStatus.PROSPECT)
    with pytest.raises(ConflictError):
        approval_submit(actor=am1, document=application)
    assert ApprovalRequest.objects.count() == 1


def test_submit_without_anybody_to_approve_is_refused_and_writes_nothing(people, application_for):
    am3, manager2 = people["am3"], people["manager2"]
    manager2.is_active = False
    manager2.save()
    application = application_for(am3)

    with pytest.raises(ApplicationError):
        approval_submit(actor=am3, document=application)

    application.refresh_from_db()
    assert application.approval_status == ApprovalState.DRAFT
    assert application.customer.status == CustomerStatus.PROSPECT
    assert not ApprovalRequest.objects.exists()
    assert not ApprovalStep.objects.exists()
    assert not Notification.objects.exists()


def test_submit_above_every_authority_is_refused_and_writes_nothing(people, application_for):
    am1 = people["am1"]
    ApprovalAuthority.objects.filter(
        document_type=CERTIFICATION, position__code="sales_director"
    ).update(max_amount=Decimal("50000000"))
    application = application_for(am1, amount=Decimal("50000000.01"))

    with pytest.raises(ApplicationError) as refused:
        approval_submit(actor=am1, document=application)

    assert "50000000.01" in str(refused.value.message)
    application.refresh_from_db()
    assert application.approval_status == ApprovalState.DRAFT
    assert application.customer.status == CustomerStatus.PROSPECT
    assert not ApprovalRequest.objects.exists()


# --- approve ----------------------------------------------------------------------------------


def test_final_approval_certifies_the_customer(people, application_for):
    am1, manager = people["am1"], people["manager"]
    application = application_for(am1)
    request = approval_submit(actor=am1, document=application)

    result = approve(manager, request, comment="同意", expected_version=1)

    assert result.pk == request.pk
    request.refresh_from_db()
    assert (request.status, request.version) == ("approved", 2)
    assert request.decided_at is not None
    step = request.steps.get()
    assert (step.status, step.decided_by, step.comment) == ("approved", manager, "同意")
    application.refresh_from_db()
    assert application.approval_status == ApprovalState.APPROVED
    customer = application.customer
    assert customer.status == CustomerStatus.ACTIVE
    assert customer.code == "KABJ00001"
    assert customer.certified_at is not None
    assert history(request) == [("submitted", "am1", ""), ("approved", "manager", "同意")]
    approved = Notification.objects.get(kind="approval.approved")
    assert approved.recipient == am1
    assert customer.name in approved.title
    assert approvals_waiting_for(manager).count() == 0


def test_two_step_chain_advances_and_notifies_the_next_approver(people, application_for):
    am1, manager, director = people["am1"], people["manager"], people["director"]
    application = application_for(am1, amount=ABOVE_LIMIT)
    request = approval_submit(actor=am1, document=application)
    assert list(approvals_waiting_for(director)) == []

    approve(manager, request, comment="同意,请总监确认", expected_version=1)

    request.refresh_from_db()
    assert (request.status, request.current_step, request.version) == ("pending", 2, 2)
    assert step_states(request) == [("dept_manager", "approved"), ("sales_director", "pending")]
    assert request.steps.get(sequence=2).activated_at is not None
    application.refresh_from_db()
    assert application.approval_status == ApprovalState.SUBMITTED
    assert application.customer.status == CustomerStatus.UNDER_REVIEW
    assert application.customer.code is None
    assert recipients("approval.waiting") == ["director", "manager"]
    assert not Notification.objects.filter(kind="approval.approved").exists()
    assert list(approvals_waiting_for(manager)) == []
    assert list(approvals_waiting_for(director)) == [request]

    approve(director, request, expected_version=2)

    request.refresh_from_db()
    assert (request.status, request.version) == ("approved", 3)
    assert step_states(request) == [("dept_manager", "approved"), ("sales_director", "approved")]
    application.refresh_from_db()
    assert application.customer.status == CustomerStatus.ACTIVE
    assert application.customer.code == "KABJ00001"
    assert [(a, u) for a, u, _c in history(request)] == [
        ("submitted", "am1"),
        ("approved", "manager"),
        ("approved", "director"),
    ]
    assert recipients("approval.approved") == ["am1"]


def test_unknown_decision_is_refused(people, application_for):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    with pytest.raises(ApplicationError):
        approval_decide(actor=people["manager"], request_id=request.pk, decision="maybe")
    assert_untouched(request)


# --- reject, resubmit -------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   "])
def test_reject_needs_a_comment_and_writes_nothing_without_one(people, application_for, comment):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))

    with pytest.raises(ValidationError) as refused:
        reject(people["manager"], request, comment, expected_version=1)

    assert "comment" in refused.value.message_dict
    assert_untouched(request)
    assert not Notification.objects.filter(recipient=am1).exists()


def test_reject_returns_the_document_to_its_author_with_the_comment(people, application_for):
    am1, manager = people["am1"], people["manager"]
    application = application_for(am1, amount=ABOVE_LIMIT)
    request = approval_submit(actor=am1, document=application)

    reject(manager, request, "信用调查不充分,请补充财务报表", expected_version=1)

    request.refresh_from_db()
    assert request.status == "rejected"
    assert request.decided_at is not None
    assert step_states(request) == [("dept_manager", "rejected"), ("sales_director", "cancelled")]
    application.refresh_from_db()
    assert application.approval_status == ApprovalState.REJECTED
    assert application.is_editable
    customer = application.customer
    assert customer.status == CustomerStatus.PROSPECT
    assert customer.code is None
    assert "信用调查不充分" in customer.status_reason
    assert history(request)[-1] == ("rejected", "manager", "信用调查不充分,请补充财务报表")
    told = Notification.objects.get(kind="approval.rejected")
    assert told.recipient == am1
    assert "信用调查不充分,请补充财务报表" in told.body
    assert str(manager) in told.body
    assert told.url == f"/customers/{customer.pk}/"
    # nobody is asked to decide any more
    assert list(approvals_waiting_for(manager)) == []
    assert list(approvals_waiting_for(people["director"])) == []


def test_rejected_document_can_be_revised_and_submitted_again(people, application_for):
    am1, manager = people["am1"], people["manager"]
    application = application_for(am1)
    first = approval_submit(actor=am1, document=application)
    reject(manager, first, "请补充回款计划")

    certification_update(actor=am1, application=application, trading_policy="预付30%,月结30天")
    second = approval_submit(actor=am1, document=application)

    assert second.pk != first.pk
    assert ApprovalRequest.objects.get(pk=first.pk).status == "rejected"
    assert second.status == "pending"
    application.refresh_from_db()
    assert application.approval_status == ApprovalState.SUBMITTED
    assert application.trading_policy == "预付30%,月结30天"
    assert application.customer.status == CustomerStatus.UNDER_REVIEW
    assert list(approvals_waiting_for(manager)) == [second]

    approve(manager, second)
    application.refresh_from_db()
    assert application.customer.code == "KABJ00001"


def test_decisions_on_a_closed_request_are_conflicts(people, application_for):
    am1, manager = people["am1"], people["manager"]
    request = approval_submit(actor=am1, document=application_for(am1))
    reject(manager, request, "不符合条件")

    with pytest.raises(ConflictError):
        approve(manager, request)
    with pytest.raises(ConflictError):
        reject(manager, request, "再次驳回")
    assert ApprovalEvent.objects.filter(request=request).count() == 2


# --- withdraw ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["manager", "director", "am2", "gm"])
def test_only_the_author_may_withdraw(people, application_for, username):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    with pytest.raises(PermissionDenied):
        approval_withdraw(actor=people[username], request_id=request.pk)
    assert_untouched(request)


def test_author_withdraws_a_pending_submission(people, application_for):
    am1, manager = people["am1"], people["manager"]
    application = application_for(am1, amount=ABOVE_LIMIT)
    request = approval_submit(actor=am1, document=application)

    approval_withdraw(actor=am1, request_id=request.pk, comment="金额有误")

    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert request.version == 2
    assert step_states(request) == [("dept_manager", "cancelled"), ("sales_director", "cancelled")]
    application.refresh_from_db()
    assert application.approval_status == ApprovalState.DRAFT
    assert application.customer.status == CustomerStatus.PROSPECT
    assert history(request)[-1] == ("withdrawn", "am1", "金额有误")
    assert list(approvals_waiting_for(manager)) == []

    with pytest.raises(ConflictError):
        approval_withdraw(actor=am1, request_id=request.pk)
    with pytest.raises(ConflictError):
        approve(manager, request)
    # a withdrawn document is a draft again: it can be corrected and submitted
    certification_update(actor=am1, application=application, expected_annual_amount=1000)
    assert approval_submit(actor=am1, document=application).status == "pending"


# --- who may decide ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        "am2",  # same department, wrong position
        "admin_clerk",  # department scope, but no approver
        "gm",  # sees everything, but is not on this ladder
        "director",  # on the ladder, but not at this step
        "manager2",  # the right position in another department
    ],
)
def test_only_an_eligible_approver_may_decide(people, application_for, username):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=ABOVE_LIMIT))
    user = people[username]

    assert not can_decide(user, request)
    with pytest.raises(PermissionDenied):
        approve(user, request, expected_version=1)
    with pytest.raises(PermissionDenied):
        reject(user, request, "不同意", expected_version=1)

    assert_untouched(request)
    assert list(approvals_waiting_for(user)) == []


def test_the_author_never_approves_own_document_even_holding_the_position(
    people, application_for, deputy
):
    manager = people["manager"]
    # the manager applies for a customer of the department (and so holds step 1's position)
    request = approval_submit(actor=manager, document=application_for(people["am1"]))

    assert list(eligible_approvers(request, request.steps.get())) == [deputy]
    assert recipients("approval.waiting") == ["deputy"]
    assert not can_decide(manager, request)
    assert list(approvals_waiting_for(manager)) == []
    with pytest.raises(PermissionDenied):
        approve(manager, request, expected_version=1)
    assert_untouched(request)

    approve(deputy, request, expected_version=1)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "approved"


def test_an_inactive_user_may_not_decide(people, application_for, deputy):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    assert recipients("approval.waiting") == ["deputy", "manager"]
    deputy.is_active = False
    deputy.save()

    assert not can_decide(deputy, request)
    assert list(approvals_waiting_for(deputy)) == []
    with pytest.raises(PermissionDenied):
        approve(deputy, request, expected_version=1)
    assert_untouched(request)
    assert list(eligible_approvers(request, request.steps.get())) == [people["manager"]]


def test_nobody_decides_through_an_inactive_position(people, application_for):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    Position.objects.filter(code="dept_manager").update(is_active=False)
    manager = User.objects.get(username="manager")  # with the position as it is now

    assert not can_decide(manager, request)
    assert list(approvals_waiting_for(manager)) == []  # nor is it waiting for them
    with pytest.raises(PermissionDenied):
        approve(manager, request, expected_version=1)
    assert_untouched(request)
    assert not eligible_approvers(request, request.steps.get()).exists()


def test_a_manager_of_a_parent_department_may_decide(people, application_for, org):
    # a department manager placed at company level is above 大客户部 in the tree
    head = UserFactory.with_position("dept_manager", username="head", department=org["company"])
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    assert recipients("approval.waiting") == ["head", "manager"]
    assert can_decide(head, request)
    approve(head, request)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "approved"


# --- optimistic locking -----------------------------------------------------------------------


def test_stale_version_is_a_conflict_naming_who_decided(people, application_for):
    am1, manager, director = people["am1"], people["manager"], people["director"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=ABOVE_LIMIT))
    approve(manager, request, expected_version=1)

    # the director opened the page before the manager decided
    with pytest.raises(ConflictError) as conflict:
        approve(director, request, expected_version=1)

    assert str(manager) in str(conflict.value.message)
    assert conflict.value.status_code == 409
    assert_untouched(request, version=2, step=2)


def test_second_approver_of_the_same_step_gets_a_conflict(people, application_for, deputy):
    am1, manager = people["am1"], people["manager"]
    request = approval_submit(actor=am1, document=application_for(am1))
    approve(manager, request, expected_version=1)

    with pytest.raises(ConflictError) as with_version:
        approve(deputy, request, expected_version=1)
    with pytest.raises(ConflictError) as without_version:
        reject(deputy, request, "不同意")

    for conflict in (with_version, without_version):
        assert str(manager) in str(conflict.value.message)
    assert ApprovalEvent.objects.filter(action="approved").count() == 1


def test_second_approver_of_an_advanced_chain_gets_a_conflict_not_a_refusal(
    people, application_for, deputy
):
    """Without a version (the API makes it optional) the loser must still learn that
    somebody decided first, not that they "may not decide this step"."""
    am1, manager = people["am1"], people["manager"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=ABOVE_LIMIT))
    approve(manager, request)

    with pytest.raises(ConflictError) as conflict:
        approve(deputy, request)

    assert str(manager) in str(conflict.value.message)
    assert_untouched(request, version=2, step=2)
    # somebody who was never an approver of this request is still simply refused
    with pytest.raises(PermissionDenied):
        approve(people["manager2"], request)


def test_a_version_nobody_has_seen_is_a_conflict(people, application_for):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    with pytest.raises(ConflictError):
        approve(people["manager"], request, expected_version=7)
    assert_untouched(request)


# --- "waiting for me" -------------------------------------------------------------------------


def test_waiting_for_me_per_persona(people, application_for, api):
    am1, am2, am3 = people["am1"], people["am2"], people["am3"]
    small = approval_submit(actor=am1, document=application_for(am1))
    other_department = approval_submit(actor=am3, document=application_for(am3))
    big = approval_submit(actor=am2, document=application_for(am2, amount=ABOVE_LIMIT))
    approve(people["manager"], big)

    expected = {
        "manager": [small],
        "manager2": [other_department],
        "director": [big],
        "gm": [],
        "vp": [],
        "admin_clerk": [],
        "am1": [],
        "am2": [],
        "am3": [],
    }
    for username, requests in expected.items():
        user = people[username]
        assert list(approvals_waiting_for(user)) == requests, username
        listed = api(user).get("/api/v1/approvals/").json()["results"]
        assert [a["id"] for a in listed] == [r.pk for r in requests], username

    mine = api(am2).get("/api/v1/approvals/?box=submitted").json()["results"]
    assert [a["id"] for a in mine] == [big.pk]


# --- immutable history, read-only documents ---------------------------------------------------


def test_approval_history_cannot_be_changed_or_deleted(people, application_for):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1), comment="原始说明")
    event = request.events.get()

    event.comment = "篡改"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        ApprovalEvent.objects.filter(pk=event.pk).update(comment="篡改")
    with pytest.raises(ValidationError):
        request.events.update(comment="篡改")
    with pytest.raises(ValidationError):
        ApprovalEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ProtectedError):
        request.delete()  # a request keeps its history

    assert history(request) == [("submitted", "am1", "原始说明")]


def test_submitted_and_approved_documents_are_read_only(people, application_for):
    am1 = people["am1"]
    application = application_for(am1)
    request = approval_submit(actor=am1, document=application)
    with pytest.raises(ValidationError):
        certification_update(actor=am1, application=application, reasons="审批中修改")

    approve(people["manager"], request)

    with pytest.raises(ValidationError):
        certification_update(actor=am1, application=application, reasons="批准后修改")
    with pytest.raises(ConflictError):
        approval_submit(actor=am1, document=application)
    application.refresh_from_db()
    assert application.reasons == "年采购额大,回款及时"
    assert application.approval_status == ApprovalState.APPROVED


# --- visibility -------------------------------------------------------------------------------

VISIBILITY = [
    # username, sees a request of am1 (大客户部)
    ("am1", True),  # author
    ("manager", True),  # approver, department scope
    ("director", True),  # all scope
    ("gm", True),
    ("service", True),  # customer service has the all scope
    ("admin_clerk", True),  # department scope
    ("statistician", True),
    ("am2", False),  # own scope, same department, not involved
    ("manager2", False),  # the other department's manager
    ("am3", False),  # a rep of another department sees nothing
]


@pytest.mark.parametrize("username, sees", VISIBILITY)
def test_approval_request_visibility(people, application_for, api, browser, username, sees):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    user = people[username]

    assert ApprovalRequest.objects.visible_to(user).filter(pk=request.pk).exists() is sees
    listed = api(user).get("/api/v1/approvals/?box=all").json()["results"]
    assert [a["id"] for a in listed] == ([request.pk] if sees else [])
    assert api(user).get(f"/api/v1/approvals/{request.pk}/").status_code == (200 if sees else 404)
    assert browser(user).get(f"/approvals/{request.pk}/").status_code == (200 if sees else 404)


def test_invisible_request_is_not_found_for_actions_too(people, application_for, api):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    for username in ("am3", "manager2"):
        client = api(people[username])
        for action in ("approve", "reject", "withdraw"):
            response = client.post(
                f"/api/v1/approvals/{request.pk}/{action}/", {"comment": "x"}, format="json"
            )
            assert response.status_code == 404, (username, action)
            assert response.json()["error"]["code"] == "not_found"
    assert_untouched(request)


def test_an_own_scope_approver_sees_the_requests_of_its_steps(people, application_for, org):
    """An approver position with the "own" data scope sees what it is asked to decide (its
    position on a step, in its department tree) and what it decided — nothing else."""
    lead_position = Position.objects.create(code="team_lead", name="组长", data_scope="own")
    lead = UserFactory(username="lead", position=lead_position, department=org["ka"])
    other_lead = UserFactory(username="lead2", position=lead_position, department=org["ka2"])
    # the team lead checks every certification before the manager
    for rung in ApprovalChainStep.objects.filter(document_type=CERTIFICATION).order_by("-sequence"):
        rung.sequence += 1
        rung.save()
    ApprovalChainStep.objects.create(
        document_type=CERTIFICATION, sequence=1, position=lead_position
    )
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    assert step_states(request) == [("team_lead", "pending"), ("dept_manager", "waiting")]

    def sees(user):
        return ApprovalRequest.objects.visible_to(user).filter(pk=request.pk).exists()

    assert sees(lead)
    assert not sees(other_lead)
    assert not sees(people["am2"])
    approve(lead, request)
    assert sees(lead)
    assert list(approvals_waiting_for(people["manager"])) == [request]


# --- the API ----------------------------------------------------------------------------------


def test_api_decisions_and_their_errors(people, application_for, api):
    am1, manager, director = people["am1"], people["manager"], people["director"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=ABOVE_LIMIT))
    url = f"/api/v1/approvals/{request.pk}"

    no_comment = api(manager).post(f"{url}/reject/", {"version": 1}, format="json")
    assert no_comment.status_code == 400
    assert "comment" in no_comment.json()["error"]["fields"]

    clerk = api(people["admin_clerk"]).post(f"{url}/approve/", {"version": 1}, format="json")
    assert clerk.status_code == 403

    approved = api(manager).post(f"{url}/approve/", {"version": 1, "comment": "同意"})
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert (body["status"], body["current_step"], body["version"]) == ("pending", 2, 2)
    assert [s["status"] for s in body["steps"]] == ["approved", "pending"]
    assert [e["action"] for e in body["events"]] == ["submitted", "approved"]

    stale = api(director).post(f"{url}/approve/", {"version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert str(manager) in stale.json()["error"]["message"]

    unknown_field = api(director).post(f"{url}/approve/", {"status": "approved"}, format="json")
    assert unknown_field.status_code == 400
    assert_untouched(request, version=2, step=2)

    rejected = api(director).post(f"{url}/reject/", {"version": 2, "comment": "金额过大"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"


def test_api_withdraw_by_the_author(people, application_for, api):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    refused = api(people["manager"]).post(f"/api/v1/approvals/{request.pk}/withdraw/")
    assert refused.status_code == 403
    withdrawn = api(am1).post(f"/api/v1/approvals/{request.pk}/withdraw/", {"comment": "撤回"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    again = api(am1).post(f"/api/v1/approvals/{request.pk}/withdraw/")
    assert again.status_code == 409


# --- the browser page -------------------------------------------------------------------------

APPROVE_BUTTON = 'name="decision" value="approve"'
REJECT_BUTTON = 'name="decision" value="reject"'
WITHDRAW_BUTTON = 'name="decision" value="withdraw"'


def page(client, request):
    response = client.get(f"/approvals/{request.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def flashed(response, level):
    return [str(m) for m in response.context["messages"] if m.level == level]


def test_decide_form_is_shown_only_to_an_eligible_approver(people, application_for, browser):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=ABOVE_LIMIT))

    html = page(browser(people["manager"]), request)
    assert APPROVE_BUTTON in html and REJECT_BUTTON in html
    assert WITHDRAW_BUTTON not in html
    assert 'name="version" value="1"' in html

    html = page(browser(am1), request)
    assert APPROVE_BUTTON not in html and REJECT_BUTTON not in html
    assert WITHDRAW_BUTTON in html

    for username in ("director", "admin_clerk", "gm"):
        html = page(browser(people[username]), request)
        assert '<form method="post" novalidate>' not in html, username
        assert APPROVE_BUTTON not in html, username


def test_browser_approve_and_reject(people, application_for, browser):
    am1, manager = people["am1"], people["manager"]
    first = approval_submit(actor=am1, document=application_for(am1))
    second = approval_submit(actor=am1, document=application_for(am1))
    client = browser(manager)

    response = client.post(
        f"/approvals/{first.pk}/", {"decision": "approve", "comment": "同意", "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/approvals/{first.pk}/"
    first.refresh_from_db()
    assert first.status == "approved"
    assert first.document.customer.status == CustomerStatus.ACTIVE

    # a rejection without a comment keeps the form, with the error beside the comment
    response = client.post(f"/approvals/{second.pk}/", {"decision": "reject", "version": 1})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    assert_untouched(second)

    response = client.post(
        f"/approvals/{second.pk}/",
        {"decision": "reject", "comment": "资料不全", "version": 1},
        follow=True,
    )
    assert response.status_code == 200
    assert flashed(response, messages.SUCCESS)
    second.refresh_from_db()
    assert second.status == "rejected"
    assert second.document.customer.status == CustomerStatus.PROSPECT
    assert "资料不全" in Notification.objects.get(kind="approval.rejected").body


def test_browser_stale_version_shows_who_decided_first(people, application_for, browser):
    am1, manager, director = people["am1"], people["manager"], people["director"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=ABOVE_LIMIT))
    approve(manager, request, expected_version=1)

    # the director's page was loaded at version 1
    response = browser(director).post(
        f"/approvals/{request.pk}/",
        {"decision": "approve", "comment": "", "version": 1},
        follow=True,
    )

    assert response.status_code == 200
    errors = flashed(response, messages.ERROR)
    assert len(errors) == 1 and str(manager) in errors[0]
    assert_untouched(request, version=2, step=2)
    # the reloaded page offers the decision again, at the current version
    assert 'name="version" value="2"' in response.content.decode()


def test_browser_decision_by_an_ineligible_user_is_refused(people, application_for, browser):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    response = browser(people["admin_clerk"]).post(
        f"/approvals/{request.pk}/", {"decision": "approve", "version": 1}, follow=True
    )
    assert response.status_code == 200
    assert flashed(response, messages.ERROR)
    assert_untouched(request)
    response = browser(people["am3"]).post(
        f"/approvals/{request.pk}/", {"decision": "approve", "version": 1}
    )
    assert response.status_code == 404
    assert_untouched(request)


def test_withdrawing_tells_the_waiting_approvers(people, application_for):
    from accounts.models import Notification

    am1, manager = people["am1"], people["manager"]
    request = approval_submit(actor=am1, document=application_for(am1))
    approval_withdraw(actor=am1, request_id=request.pk, comment="客户信息有误，撤回修改")
    notice = Notification.objects.get(kind="approval.withdrawn")
    assert notice.recipient == manager
    assert notice.url == f"/approvals/{request.pk}/"
    assert not Notification.objects.filter(kind="approval.withdrawn", recipient=am1).exists()
