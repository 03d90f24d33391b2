"""The REST API beyond visibility: pagination, filters, search, ordering, the schema, the
caller's profile, approvals of certifications — and the number of queries of each list, which
must not grow with the number of rows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import ApprovalEvent, ApprovalRequest, Notification
from customers import services
from customers.models import Customer, CustomerStatus, CustomerTeamMember, Industry
from customers.normalize import name_key
from tests.factories import UserFactory, valid_credit_code

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["name"] for c in response.json()["results"]]


# --- pagination ---------------------------------------------------------------------------------


def _bulk_customers(n, owner):
    """``n`` customers of ``owner`` in one INSERT (names sort in creation order)."""
    Customer.objects.bulk_create(
        Customer(
            name=f"批量客户{i:04d}有限公司",
            name_key=name_key(f"批量客户{i:04d}有限公司"),
            department=owner.department,
            owner=owner,
            created_by=owner,
        )
        for i in range(n)
    )


def test_list_is_paginated_with_count_next_and_previous(api, am1):
    _bulk_customers(60, am1)
    client = api(am1)
    first = client.get("/api/v1/customers/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 60
    assert len(first["results"]) == 50  # the default page size
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/customers/?page=2")
    second = client.get(first["next"]).json()
    assert [c["name"] for c in second["results"]] == [
        f"批量客户{i:04d}有限公司" for i in range(50, 60)
    ]
    assert second["next"] is None
    assert second["previous"].endswith("/api/v1/customers/")


def test_page_size_is_chosen_by_the_client(api, am1):
    _bulk_customers(12, am1)
    body = api(am1).get("/api/v1/customers/?page_size=5&page=3").json()
    assert body["count"] == 12
    assert [c["name"] for c in body["results"]] == ["批量客户0010有限公司", "批量客户0011有限公司"]
    assert "page_size=5" in body["previous"]


def test_page_size_is_capped_at_200(api, am1):
    _bulk_customers(205, am1)
    body = api(am1).get("/api/v1/customers/?page_size=1000").json()
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert body["next"] is not None


def test_a_page_past_the_end_is_404_in_the_error_shape(api, am1):
    _bulk_customers(3, am1)
    response = api(am1).get("/api/v1/customers/?page=9")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


# --- filters, search and ordering ---------------------------------------------------------------


@pytest.fixture
def roster(people, org, customer_factory):
    """Customers of 大客户部 with distinct grades, owners, regions, industries and statuses."""
    industries = {i.code: i for i in Industry.objects.all()}
    am1, am2, am3 = people["am1"], people["am2"], people["am3"]
    make = customer_factory
    return {
        "huawei": make(
            name="华为技术有限公司",
            grade="A",
            owner=am1,
            region=org["bj"],
            industry=industries["telecom"],
            status=CustomerStatus.ACTIVE,
            code="KABJ00001",
        ),
        "icbc": make(
            name="中国工商银行北京分行",
            grade="A",
            owner=am2,
            region=org["sh"],
            industry=industries["finance"],
        ),
        "hospital": make(
            name="北京协和医院",
            grade="B",
            owner=am1,
            region=org["bj"],
            industry=industries["healthcare"],
        ),
        "steel": make(
            name="首钢集团有限公司",
            grade="C",
            owner=am2,
            region=org["bj"],
            industry=industries["manufacturing"],
        ),
        "closed": make(
            name="已终止贸易有限公司",
            grade="D",
            owner=am1,
            status=CustomerStatus.TERMINATED,
            code="KABJ00002",
        ),
        "elsewhere": make(name="广州他部门人民医院", grade="A", owner=am3),
    }


LIVE = ["中国工商银行北京分行", "北京协和医院", "华为技术有限公司", "首钢集团有限公司"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", LIVE),
        ("grade=A", ["中国工商银行北京分行", "华为技术有限公司"]),
        ("grade=A&grade=C", ["中国工商银行北京分行", "华为技术有限公司", "首钢集团有限公司"]),
        ("grade=D", []),  # the only D is terminated: hidden from the roster
        ("status=terminated", ["已终止贸易有限公司"]),
        ("status=active&status=terminated", ["华为技术有限公司", "已终止贸易有限公司"]),
        ("status=prospect", ["中国工商银行北京分行", "北京协和医院", "首钢集团有限公司"]),
        ("customer_type=distributor", []),
        ("no_owner=true", []),
        ("search=协和", ["北京协和医院"]),
        ("search=kabj00001", ["华为技术有限公司"]),
        ("search=KABJ00002", ["已终止贸易有限公司"]),  # a search finds terminated ones too
        ("search=华为技术股份有限公司", ["华为技术有限公司"]),  # the normalised name
        ("search=（华为）", ["华为技术有限公司"]),
        ("search=不存在的公司", []),
        ("search=协和&grade=A", []),
    ],
)
def test_customer_filters(query, expected, api, manager, roster):
    assert sorted(_names(api(manager).get(f"/api/v1/customers/?{query}"))) == sorted(expected)


def test_filter_by_owner_region_and_industry(api, manager, people, org, roster):
    client = api(manager)
    am2 = people["am2"]
    assert sorted(_names(client.get(f"/api/v1/customers/?owner={am2.pk}"))) == [
        "中国工商银行北京分行",
        "首钢集团有限公司",
    ]
    assert sorted(_names(client.get(f"/api/v1/customers/?region={org['sh'].pk}"))) == [
        "中国工商银行北京分行"
    ]
    telecom = Industry.objects.get(code="telecom")
    assert _names(client.get(f"/api/v1/customers/?industry={telecom.pk}")) == ["华为技术有限公司"]
    both = f"/api/v1/customers/?owner={people['am1'].pk}&region={org['bj'].pk}&grade=B"
    assert _names(client.get(both)) == ["北京协和医院"]


def test_search_by_full_credit_code_in_any_case(api, manager, roster):
    code = roster["steel"].credit_code
    client = api(manager)
    assert _names(client.get(f"/api/v1/customers/?search={code}")) == ["首钢集团有限公司"]
    assert _names(client.get(f"/api/v1/customers/?search={code.lower()}")) == ["首钢集团有限公司"]


def test_filters_never_reach_outside_the_scope(api, am1, people, roster):
    client = api(am1)
    # a colleague outside the scope is not a valid choice — the same answer as a missing id
    assert client.get(f"/api/v1/customers/?owner={people['am3'].pk}").status_code == 400
    assert client.get("/api/v1/customers/?owner=999999").status_code == 400
    assert _names(client.get("/api/v1/customers/?search=广州他部门")) == []
    assert _names(client.get("/api/v1/customers/?grade=A")) == ["华为技术有限公司"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("grade=Z", "grade"),
        ("status=gone", "status"),
        ("owner=999999", "owner"),
        ("region=abc", "region"),
        ("ordering=password", "ordering"),
        ("search=" + "长" * 101, "search"),
    ],
)
def test_bad_filters_are_400_naming_the_filter(query, field, api, manager, roster):
    response = api(manager).get(f"/api/v1/customers/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert field in error["fields"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", sorted(LIVE)),
        ("-name", sorted(LIVE, reverse=True)),
        (
            "grade,name",
            ["中国工商银行北京分行", "华为技术有限公司", "北京协和医院", "首钢集团有限公司"],
        ),
        (
            "-grade,name",
            ["首钢集团有限公司", "北京协和医院", "中国工商银行北京分行", "华为技术有限公司"],
        ),
    ],
)
def test_ordering(ordering, expected, api, manager, roster):
    assert _names(api(manager).get(f"/api/v1/customers/?ordering={ordering}")) == expected


def test_ordering_by_creation_time(api, manager, roster):
    base = timezone.now() - datetime.timedelta(days=10)
    for days, key in enumerate(["steel", "huawei", "hospital", "icbc"]):
        Customer.objects.filter(pk=roster[key].pk).update(
            created_at=base + datetime.timedelta(days=days)
        )
    client = api(manager)
    newest_first = ["中国工商银行北京分行", "北京协和医院", "华为技术有限公司", "首钢集团有限公司"]
    assert _names(client.get("/api/v1/customers/?ordering=-created_at")) == newest_first
    assert _names(client.get("/api/v1/customers/?ordering=created_at")) == newest_first[::-1]


def test_contact_filters(api, am1, roster, contact_factory):
    contact_factory(customer=roster["huawei"], name="张伟", role="decision_maker")
    contact_factory(customer=roster["huawei"], name="李娜", role="finance", email="li@hw.cn")
    contact_factory(customer=roster["hospital"], name="王芳", role="purchaser")
    client = api(am1)
    by_customer = client.get(f"/api/v1/contacts/?customer={roster['huawei'].pk}")
    assert sorted(_names(by_customer)) == ["张伟", "李娜"]
    assert _names(client.get("/api/v1/contacts/?role=purchaser")) == ["王芳"]
    assert _names(client.get("/api/v1/contacts/?search=hw.cn")) == ["李娜"]


# --- schema, docs, profile ----------------------------------------------------------------------


def test_openapi_schema_renders_and_describes_the_customer_endpoints(client, am1):
    client.force_login(am1)
    assert client.get("/api/schema/").status_code == 200  # YAML by default
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/customers/",
        "/api/v1/customers/{id}/",
        "/api/v1/customers/export/",
        "/api/v1/contacts/",
        "/api/v1/approvals/{id}/reject/",
        "/api/v1/users/me/",
    ):
        assert path in schema["paths"], path
    listing = schema["paths"]["/api/v1/customers/"]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {"page", "page_size", "grade", "owner", "search", "ordering", "status"} <= params


def test_api_docs_render(client, am1):
    client.force_login(am1)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_users_me_describes_the_caller(api, am1, org):
    body = api(am1).get("/api/v1/users/me/").json()
    assert body["username"] == "am1"
    assert body["data_scope"] == "own"
    assert body["department"]["code"] == "ka"
    assert body["region"]["code"] == "bj"
    assert body["position"]["code"] == "account_manager"
    assert "customers.view_customer" in body["permissions"]
    assert "customers.change_customer" in body["permissions"]
    assert "customers.delete_customer" not in body["permissions"]
    assert "password" not in body


def test_users_me_needs_authentication(api):
    response = api().get("/api/v1/users/me/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["status"] == response.status_code


# --- approvals ---------------------------------------------------------------------------------


@pytest.fixture
def submitted(people, customer_factory):
    """A prospect of am1 with both surveys, its certification submitted for approval."""
    am1 = people["am1"]
    customer = customer_factory(name="北京恒通通信股份有限公司", owner=am1, region=None)
    for kind in ("credit", "on_site"):
        services.survey_record(
            actor=am1,
            customer=customer,
            kind=kind,
            survey_date=datetime.date(2026, 11, 20),
            findings="经营正常",
            conclusion="pass",
        )
    application = services.certification_create(
        actor=am1,
        customer=customer,
        submit=True,
        reasons="年采购额大",
        trading_policy="月结60天",
        goods_and_amounts="服务器 300万元/年",
        expected_annual_amount=Decimal("3000000"),
    )
    return ApprovalRequest.objects.get(object_id=application.pk)


def test_approvals_waiting_for_the_manager(api, people, submitted):
    body = api(people["manager"]).get("/api/v1/approvals/").json()
    assert [a["id"] for a in body["results"]] == [submitted.pk]
    assert body["results"][0]["status"] == "pending"
    # nothing waits for the author, nor for the manager of another department
    assert api(people["am1"]).get("/api/v1/approvals/").json()["results"] == []
    assert api(people["manager2"]).get("/api/v1/approvals/").json()["results"] == []
    mine = api(people["am1"]).get("/api/v1/approvals/?box=submitted").json()
    assert [a["id"] for a in mine["results"]] == [submitted.pk]


def test_manager_approves_and_the_customer_gets_its_code(api, people, submitted):
    response = api(people["manager"]).post(
        f"/api/v1/approvals/{submitted.pk}/approve/", {"comment": "同意"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    customer = Customer.objects.get(name="北京恒通通信股份有限公司")
    assert customer.status == "active"
    assert customer.code == "KAXX00001"
    assert list(ApprovalEvent.objects.values_list("action", "comment")) == [
        ("submitted", ""),
        ("approved", "同意"),
    ]


def test_reject_without_comment_is_400_on_comment_and_changes_nothing(api, people, submitted):
    for body in ({}, {"comment": ""}, {"comment": "   "}):
        response = api(people["manager"]).post(
            f"/api/v1/approvals/{submitted.pk}/reject/", body, format="json"
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["status"] == 400
        assert list(error["fields"]) == ["comment"]
    submitted.refresh_from_db()
    assert submitted.status == "pending"
    assert list(ApprovalEvent.objects.values_list("action", flat=True)) == ["submitted"]
    assert Customer.objects.get(name="北京恒通通信股份有限公司").status == "under_review"


def test_reject_with_comment_returns_the_application_to_its_author(api, people, submitted):
    response = api(people["manager"]).post(
        f"/api/v1/approvals/{submitted.pk}/reject/", {"comment": "资信材料不全"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rejected"
    customer = Customer.objects.get(name="北京恒通通信股份有限公司")
    assert customer.status == "prospect"
    assert customer.code is None
    assert Notification.objects.filter(recipient=people["am1"], kind="approval.rejected").exists()
    again = api(people["manager"]).post(
        f"/api/v1/approvals/{submitted.pk}/approve/", {"comment": "改主意了"}, format="json"
    )
    assert again.status_code in (400, 409)
    assert Customer.objects.get(pk=customer.pk).status == "prospect"


def test_a_stale_version_is_a_conflict(api, people, submitted):
    response = api(people["manager"]).post(
        f"/api/v1/approvals/{submitted.pk}/approve/",
        {"comment": "同意", "version": submitted.version + 1},
        format="json",
    )
    assert response.status_code == 409
    submitted.refresh_from_db()
    assert submitted.status == "pending"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("am1", 403), ("am2", 404), ("manager2", 404), ("am3", 404)],
)
def test_only_the_approver_decides(persona, expected, api, people, submitted):
    response = api(people[persona]).post(
        f"/api/v1/approvals/{submitted.pk}/approve/", {"comment": "同意"}, format="json"
    )
    assert response.status_code == expected
    submitted.refresh_from_db()
    assert submitted.status == "pending"


# --- queries do not grow with the rows ----------------------------------------------------------


@pytest.fixture
def rows(people, org, customer_factory, contact_factory):
    """``rows(n)``: n customers of am1, each with a co-owner, a region, an industry and two
    contacts — everything a list shows, so that a missing select/prefetch shows up."""

    def make(n):
        customers = []
        for _i in range(n):
            customer = customer_factory(owner=people["am1"], region=org["bj"])
            CustomerTeamMember.objects.create(customer=customer, user=people["am2"])
            contact_factory(customer=customer)
            contact_factory(customer=customer)
            customers.append(customer)
        return customers

    return make


SIZES = [2, 50]


@pytest.mark.parametrize("n", SIZES)
def test_customer_list_api_queries(n, api, people, rows, django_assert_num_queries):
    rows(n)
    client = api(people["am1"])
    # permissions (user, position) + count + page (owner, region, industry joined) + team
    with django_assert_num_queries(5):
        response = client.get("/api/v1/customers/?page_size=50")
    assert len(response.json()["results"]) == n
    assert all(c["co_owners"] == [people["am2"].pk] for c in response.json()["results"])


@pytest.mark.parametrize("n", SIZES)
def test_contact_list_api_queries(n, api, people, rows, django_assert_num_queries):
    rows(n // 2)  # two contacts per customer: n rows
    client = api(people["am1"])
    # permissions (user, position) + count + page
    with django_assert_num_queries(4):
        response = client.get("/api/v1/contacts/")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", SIZES)
def test_customer_list_page_queries(n, browser, people, rows, django_assert_num_queries):
    rows(n)
    client = browser(people["am1"])
    # session + user + permissions (user, position) + count + page; the header's unread
    # notifications and waiting approvals; the filter form's owner, region, industry choices
    with django_assert_num_queries(11):
        response = client.get("/customers/?page_size=50")
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_customer_detail_page_queries(
    n, browser, people, org, customer_factory, contact_factory, django_assert_num_queries
):
    """One customer with n contacts, n team members and a history of n changes."""
    am1 = people["am1"]
    customer = customer_factory(owner=am1, region=org["bj"], grade="A")
    for i in range(n):
        contact_factory(customer=customer, birthday=datetime.date(1980, 1, 1 + i % 28))
        member = UserFactory.with_position("account_rep", department=org["ka"])
        CustomerTeamMember.objects.create(customer=customer, user=member)
        services.customer_update(actor=am1, customer=customer, legal_representative=f"法人{i}")
    client = browser(am1)
    # session + user + permissions (user, position) + customer; certifications, contacts,
    # team, surveys; the history of archive, contacts and team; the header's two counters
    with django_assert_num_queries(14):
        response = client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    assert len(response.context["d"].contacts) == n
    assert len(response.context["d"].team) == n


@pytest.mark.parametrize("n", SIZES)
def test_customer_export_queries(n, api, browser, people, rows, django_assert_num_queries):
    rows(n)
    # permissions (user, position) + count (row limit) + rows + their team (the viewset's
    # prefetch) + count (audit) + audit insert
    with django_assert_num_queries(7):
        response = api(people["am1"]).get("/api/v1/customers/export/?file=csv")
    assert response.content.decode("utf-8-sig").count("\n") == n + 1
    client = browser(people["am1"])
    with django_assert_num_queries(8):  # + session and user
        response = client.get("/customers/export/?fmt=csv")
    assert response.content.decode("utf-8-sig").count("\n") == n + 1


def test_a_certified_customer_and_credit_code_round_trip(api, am1):
    """Smoke test of the fields the list shows for a customer created through the API."""
    code = valid_credit_code()
    created = api(am1).post(
        "/api/v1/customers/",
        {"name": "北京华信科技有限公司", "credit_code": code.lower(), "grade": "A"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["credit_code"] == code
    listed = api(am1).get("/api/v1/customers/").json()["results"]
    assert [(c["name"], c["credit_code"], c["owner"]) for c in listed] == [
        ("北京华信科技有限公司", code, am1.pk)
    ]


def test_assigning_through_the_api_needs_the_assign_permission_not_the_add_permission(
    api, people, customer_factory
):
    """The sales director may assign but not create customers; a rep may create but not
    assign. Extra actions are checked by their service, not by the POST → add mapping."""
    customer = customer_factory(owner=people["am1"], name="北京远航能源有限公司")
    response = api(people["director"]).post(
        f"/api/v1/customers/{customer.pk}/assign/", {"owner": people["am2"].pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    customer.refresh_from_db()
    assert customer.owner == people["am2"]

    refused = api(people["am2"]).post(
        f"/api/v1/customers/{customer.pk}/assign/", {"owner": people["am1"].pk}, format="json"
    )
    assert refused.status_code == 403
    customer.refresh_from_db()
    assert customer.owner == people["am2"]


def test_owner_choices_offer_only_colleagues_in_scope(api, browser, people):
    """A rep's owner filter and the users API list their department, not the whole company."""
    names = {
        u["username"]
        for u in api(people["am1"]).get("/api/v1/users/?page_size=200").json()["results"]
    }
    assert "am2" in names and "manager" in names
    assert "am3" not in names and "manager2" not in names and "gm" not in names
    page = browser(people["am1"]).get("/customers/").content.decode()
    assert f'value="{people["am2"].pk}"' in page
    assert f'value="{people["am3"].pk}"' not in page
    # a filter on somebody outside the scope is refused, not silently emptied
    response = api(people["am1"]).get(f"/api/v1/customers/?owner={people['am3'].pk}")
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]
