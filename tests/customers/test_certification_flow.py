"""The golden path of DESIGN §3: prospect → surveys → certification → approval → code."""

import pytest

from accounts.models import ApprovalEvent, ApprovalRequest, Notification
from customers.models import Customer

pytestmark = pytest.mark.django_db


def _survey(client, customer_id, kind):
    response = client.post(
        "/api/v1/customer-surveys/",
        {
            "customer": customer_id,
            "kind": kind,
            "survey_date": "2026-11-20",
            "participants": "大客户部、财务部",
            "findings": "经营正常",
            "conclusion": "pass",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_prospect_is_certified_through_the_approval_engine(api, people, org):
    am1, manager = people["am1"], people["manager"]
    rep = api(am1)
    created = rep.post(
        "/api/v1/customers/",
        {
            "name": "北京恒通通信股份有限公司",
            "credit_code": "",
            "grade": "A",
            "region": org["bj"].pk,
        },
        format="json",
    ).json()
    customer_id = created["id"]
    # a valid credit code is needed before certification
    from tests.factories import valid_credit_code

    code = valid_credit_code()
    assert (
        rep.patch(
            f"/api/v1/customers/{customer_id}/", {"credit_code": code}, format="json"
        ).status_code
        == 200
    )

    application = rep.post(
        "/api/v1/certifications/",
        {
            "customer": customer_id,
            "reasons": "年采购额大",
            "trading_policy": "月结60天",
            "goods_and_amounts": "服务器 300万元/年",
            "expected_annual_amount": "3000000.00",
        },
        format="json",
    ).json()

    # surveys missing: submission refused with a clear error, nothing changes
    refused = rep.post(f"/api/v1/certifications/{application['id']}/submit/")
    assert refused.status_code == 400
    assert (
        "credit survey" in refused.json()["error"]["message"].lower()
        or "信用" in refused.json()["error"]["message"]
    )
    assert Customer.objects.get(pk=customer_id).status == "prospect"
    assert not ApprovalRequest.objects.exists()

    _survey(rep, customer_id, "credit")
    _survey(rep, customer_id, "on_site")
    submitted = rep.post(f"/api/v1/certifications/{application['id']}/submit/")
    assert submitted.status_code == 201, submitted.json()
    approval = submitted.json()
    assert [s["position_name"] for s in approval["steps"]] == ["大客户部经理"]
    assert Customer.objects.get(pk=customer_id).status == "under_review"
    assert Notification.objects.filter(recipient=manager, kind="approval.waiting").count() == 1

    # the manager sees it waiting and approves
    waiting = api(manager).get("/api/v1/approvals/").json()
    assert [a["id"] for a in waiting["results"]] == [approval["id"]]
    decided = api(manager).post(
        f"/api/v1/approvals/{approval['id']}/approve/", {"comment": "同意"}, format="json"
    )
    assert decided.status_code == 200, decided.json()
    customer = Customer.objects.get(pk=customer_id)
    assert customer.status == "active"
    assert customer.code == "KABJ00001"
    assert list(ApprovalEvent.objects.values_list("action", flat=True)) == ["submitted", "approved"]
    assert Notification.objects.filter(recipient=am1, kind="approval.approved").exists()

    # the history shows the code being assigned
    history = rep.get(f"/api/v1/customers/{customer_id}/history/").json()
    changes = [c for entry in history for c in entry["changes"]]
    assert any(new == "KABJ00001" for _label, _old, new in changes)
