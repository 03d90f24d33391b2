"""The data-visibility matrix of DESIGN §2: every position × record kind × customer endpoint,
in the browser and in the API.

The expectations are written out below by hand, not computed with ``accounts.scopes``: a test
that re-used the code under test could not fail. Reading the tables:

- ``view`` — detail page / API detail: 200, or 404 outside the scope;
- ``edit`` — edit page (GET + POST) / API PATCH: 200, 403 (in scope, no permission) or 404;
- ``delete`` — confirm page + POST / API DELETE: 204, 403 or 404. Every record here is a
  prospect, so an allowed delete goes through (a certified customer is refused, see below);
- ``contact`` — the record's contact in the contacts API (list and detail): 200 or 404.

A record outside the viewer's scope is *not found* (404) even for a user who lacks the
permission: a 403 would confirm that it exists. Every refusal leaves one ``refused`` row in
the audit log.
"""

import csv
import io

import pytest
from django.utils import translation

from accounts.models import AuditEvent, Position, User
from customers.models import Contact, Customer, CustomerStatus, CustomerTeamMember, Industry
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

# The records, one per kind. Owners: am1 and am2 are reps of 大客户部 (ka), am3 of 大客户二部 (ka2).
#   own      owned by am1                                          (ka)
#   dept     owned by am2, same department as am1                  (ka)
#   other    owned by am3, other department                        (ka2)
#   created  created by am1 but owned by am3 (reassigned since)    (ka2)
#   team     owned by am3, am1 is a named co-owner                 (ka2)
RECORDS = {
    "own": ("北京自有电力有限公司", "am1", "am1", "ka"),
    "dept": ("上海同部门银行股份有限公司", "am2", "am2", "ka"),
    "other": ("广州他部门人民医院", "am3", "am3", "ka2"),
    "created": ("深圳代建物流有限公司", "am3", "am1", "ka2"),
    "team": ("杭州协作通信有限公司", "am3", "am3", "ka2"),
}
KINDS = tuple(RECORDS)

EXPECTED_TABLE = """
persona               kind      view  edit  delete  contact
gm                    own       200   403   403     200
gm                    dept      200   403   403     200
gm                    other     200   403   403     200
gm                    created   200   403   403     200
gm                    team      200   403   403     200
director              own       200   403   403     200
director              dept      200   403   403     200
director              other     200   403   403     200
director              created   200   403   403     200
director              team      200   403   403     200
vp                    own       200   403   403     200
vp                    dept      200   403   403     200
vp                    other     200   403   403     200
vp                    created   200   403   403     200
vp                    team      200   403   403     200
sysadmin              own       200   403   403     200
sysadmin              dept      200   403   403     200
sysadmin              other     200   403   403     200
sysadmin              created   200   403   403     200
sysadmin              team      200   403   403     200
manager               own       200   200   204     200
manager               dept      200   200   204     200
manager               other     404   404   404     404
manager               created   404   404   404     404
manager               team      404   404   404     404
am1                   own       200   200   403     200
am1                   dept      404   404   404     404
am1                   other     404   404   404     404
am1                   created   200   200   403     200
am1                   team      200   200   403     200
am2                   own       404   404   404     404
am2                   dept      200   200   403     200
am2                   other     404   404   404     404
am2                   created   404   404   404     404
am2                   team      404   404   404     404
admin_clerk           own       200   403   403     200
admin_clerk           dept      200   403   403     200
admin_clerk           other     404   404   404     404
admin_clerk           created   404   404   404     404
admin_clerk           team      404   404   404     404
statistician          own       200   200   403     200
statistician          dept      200   200   403     200
statistician          other     404   404   404     404
statistician          created   404   404   404     404
statistician          team      404   404   404     404
manager2              own       404   404   404     404
manager2              dept      404   404   404     404
manager2              other     200   200   204     200
manager2              created   200   200   204     200
manager2              team      200   200   204     200
am3                   own       404   404   404     404
am3                   dept      404   404   404     404
am3                   other     200   200   403     200
am3                   created   200   200   403     200
am3                   team      200   200   403     200
service               own       200   403   403     200
service               dept      200   403   403     200
service               other     200   403   403     200
service               created   200   403   403     200
service               team      200   403   403     200
complaint_specialist  own       200   403   403     200
complaint_specialist  dept      200   403   403     200
complaint_specialist  other     200   403   403     200
complaint_specialist  created   200   403   403     200
complaint_specialist  team      200   403   403     200
finance               own       200   403   403     200
finance               dept      200   403   403     200
finance               other     200   403   403     200
finance               created   200   403   403     200
finance               team      200   403   403     200
"""

#: who may export the customer list (browser and API); the rows are what they may view
EXPORT_TABLE = """
persona               export
gm                    200
director              200
vp                    200
sysadmin              403
manager               200
am1                   200
am2                   200
admin_clerk           200
statistician          200
manager2              200
am3                   200
service               403
complaint_specialist  403
finance               403
"""


def _parse(table: str) -> list[list[str]]:
    return [line.split() for line in table.strip().splitlines()[1:]]


EXPECTED = {
    (persona, kind): {
        "view": int(view),
        "edit": int(edit),
        "delete": int(delete),
        "contact": int(c),
    }
    for persona, kind, view, edit, delete, c in _parse(EXPECTED_TABLE)
}
EXPORT = {persona: int(code) for persona, code in _parse(EXPORT_TABLE)}


def test_the_tables_cover_every_persona_and_kind():
    assert set(EXPECTED) == {(p, k) for p in PERSONAS for k in KINDS}
    assert set(EXPORT) == set(PERSONAS)


def visible_kinds(persona: str, column: str = "view") -> list[str]:
    return [kind for kind in KINDS if EXPECTED[persona, kind][column] == 200]


CELLS = [(p, k) for p in PERSONAS for k in KINDS]
CELL_IDS = [f"{p}-{k}" for p, k in CELLS]


# --- arrangement ----------------------------------------------------------------------------


@pytest.fixture
def people(org, persona):
    """Only the users a cell needs (the persona under test and the owners), not all of
    ``PERSONAS``: the matrix has some 700 cells and each arranges its own data."""
    names = sorted({persona, "am1", "am2", "am3"})
    positions = Position.objects.in_bulk([PERSONAS[u][0] for u in names], field_name="code")
    users = {}
    for username in names:
        position, dept, region = PERSONAS[username]
        users[username] = User.objects.create(
            username=username,
            name=f"员工{username}",
            position=positions[position],
            department=org[dept],
            region=org[region] if region else None,
        )
    return users


@pytest.fixture
def world(people, org, customer_factory, contact_factory):
    """The five records (prospects), one contact each; am1 is co-owner of "team"."""
    customers = {}
    industry = Industry.objects.first()
    for kind, (name, owner, creator, dept) in RECORDS.items():
        customers[kind] = customer_factory(
            name=name,
            industry=industry,
            owner=people[owner],
            created_by=people[creator],
            department=org[dept],
        )
        contact_factory(customer=customers[kind], name=f"{kind}联系人")
    CustomerTeamMember.objects.create(customer=customers["team"], user=people["am1"])
    return customers


def _refused(user):
    return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.REFUSED, actor=user))


def assert_refusal_logged(user, status):
    """A 403/404 leaves exactly one refused-access row naming the user; a success none."""
    events = _refused(user)
    if status in (403, 404):
        assert len(events) == 1, events
        expected_reason = {403: {"forbidden"}, 404: {"out_of_scope", "not_visible"}}[status]
        assert events[0].detail["reason"] in expected_reason
    else:
        assert events == []


def _snapshot(customer):
    customer.refresh_from_db()
    return (
        customer.name,
        customer.owner_id,
        customer.updated_at,
        Customer.history.filter(id=customer.pk).count(),
    )


def _csv_names(response) -> list[str]:
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    with translation.override(response["Content-Language"]):  # the headers' language
        name_col = rows[0].index(str(Customer._meta.get_field("name").verbose_name))
    return sorted(row[name_col] for row in rows[1:])


def _form_data(customer, **changes):
    data = {
        "name": customer.name,
        "credit_code": customer.credit_code,
        "customer_type": customer.customer_type,
        "grade": customer.grade,
        "relationship_class": customer.relationship_class,
        "registered_capital": str(customer.registered_capital),
        "industry": customer.industry_id or "",
    }
    data.update(changes)
    return data


NEW_NAME = "改名后的测试客户有限公司"


# --- lists and exports (one row of the matrix per persona) --------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_browser_list_shows_exactly_the_visible_customers(persona, people, world, browser):
    response = browser(people[persona]).get("/customers/")
    assert response.status_code == 200
    expected = sorted(RECORDS[k][0] for k in visible_kinds(persona))
    assert sorted(c.name for c in response.context["page"]) == expected
    html = response.content.decode()
    for kind in KINDS:
        assert (RECORDS[kind][0] in html) == (kind in visible_kinds(persona)), kind


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_list_shows_exactly_the_visible_customers(persona, people, world, api):
    response = api(people[persona]).get("/api/v1/customers/")
    assert response.status_code == 200
    body = response.json()
    expected = sorted(RECORDS[k][0] for k in visible_kinds(persona))
    assert sorted(c["name"] for c in body["results"]) == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_contact_list_shows_exactly_the_contacts_of_visible_customers(
    persona, people, world, api
):
    response = api(people[persona]).get("/api/v1/contacts/")
    assert response.status_code == 200
    expected = sorted(f"{k}联系人" for k in visible_kinds(persona, "contact"))
    assert sorted(c["name"] for c in response.json()["results"]) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_browser_export_contains_exactly_the_visible_customers(persona, people, world, browser):
    user = people[persona]
    response = browser(user).get("/customers/export/?fmt=csv")
    assert response.status_code == EXPORT[persona]
    assert_refusal_logged(user, response.status_code)
    if response.status_code == 200:
        assert response["Content-Type"].startswith("text/csv")
        assert _csv_names(response) == sorted(RECORDS[k][0] for k in visible_kinds(persona))
        assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, actor=user).count() == 1
    else:
        assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_export_contains_exactly_the_visible_customers(persona, people, world, api):
    user = people[persona]
    response = api(user).get("/api/v1/customers/export/?file=csv")
    assert response.status_code == EXPORT[persona]
    assert_refusal_logged(user, response.status_code)
    if response.status_code == 200:
        assert _csv_names(response) == sorted(RECORDS[k][0] for k in visible_kinds(persona))
        assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, actor=user).count() == 1
    else:
        assert response.json()["error"]["status"] == 403
        assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


# --- one record: detail ---------------------------------------------------------------------


BROWSER_DETAIL_CELLS = [pytest.param(p, k, id=f"{p}-{k}") for p, k in CELLS]


@pytest.mark.parametrize(("persona", "kind"), BROWSER_DETAIL_CELLS)
def test_browser_detail(persona, kind, people, world, browser):
    user, customer = people[persona], world[kind]
    expected = EXPECTED[persona, kind]["view"]
    response = browser(user).get(f"/customers/{customer.pk}/")
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
    html = response.content.decode()
    if expected == 200:
        assert response.context["customer"].pk == customer.pk
        assert customer.name in html
    else:
        assert customer.name not in html
    # the page shows the customer's contacts exactly when the contacts API would
    assert (f"{kind}联系人" in html) == (EXPECTED[persona, kind]["contact"] == 200)


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_api_detail(persona, kind, people, world, api):
    user, customer = people[persona], world[kind]
    expected = EXPECTED[persona, kind]["view"]
    response = api(user).get(f"/api/v1/customers/{customer.pk}/")
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
    body = response.json()
    if expected == 200:
        assert body["id"] == customer.pk
        assert body["name"] == customer.name
        assert body["owner"] == customer.owner_id
    else:
        assert body["error"]["status"] == 404
        assert customer.name not in response.content.decode()


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_api_contact_detail(persona, kind, people, world, api):
    user = people[persona]
    contact = Contact.objects.get(customer=world[kind])
    expected = EXPECTED[persona, kind]["contact"]
    response = api(user).get(f"/api/v1/contacts/{contact.pk}/")
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
    if expected == 200:
        assert response.json()["name"] == contact.name
        assert response.json()["customer"] == world[kind].pk
    else:
        assert response.json()["error"]["status"] == 404


# --- one record: update -----------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_browser_edit_page(persona, kind, people, world, browser):
    user, customer = people[persona], world[kind]
    expected = EXPECTED[persona, kind]["edit"]
    response = browser(user).get(f"/customers/{customer.pk}/edit/")
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
    if expected == 200:
        assert response.context["form"].instance.pk == customer.pk
        assert f'value="{customer.name}"' in response.content.decode()
    else:
        assert customer.name not in response.content.decode()


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_browser_edit_post(persona, kind, people, world, browser):
    user, customer = people[persona], world[kind]
    expected = EXPECTED[persona, kind]["edit"]
    before = _snapshot(customer)
    response = browser(user).post(
        f"/customers/{customer.pk}/edit/", _form_data(customer, name=NEW_NAME)
    )
    assert_refusal_logged(user, expected)
    if expected == 200:
        assert response.status_code == 302
        assert response["Location"] == f"/customers/{customer.pk}/"
        customer.refresh_from_db()
        assert customer.name == NEW_NAME
        latest = Customer.history.filter(id=customer.pk).latest("history_date")
        assert latest.history_user == user
    else:
        assert response.status_code == expected
        assert _snapshot(customer) == before


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_api_patch(persona, kind, people, world, api):
    user, customer = people[persona], world[kind]
    expected = EXPECTED[persona, kind]["edit"]
    before = _snapshot(customer)
    response = api(user).patch(
        f"/api/v1/customers/{customer.pk}/", {"name": NEW_NAME}, format="json"
    )
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
    if expected == 200:
        assert response.json()["name"] == NEW_NAME
        customer.refresh_from_db()
        assert customer.name == NEW_NAME
    else:
        assert response.json()["error"]["status"] == expected
        assert _snapshot(customer) == before


# --- one record: delete -----------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_browser_delete_confirm_page(persona, kind, people, world, browser):
    user, customer = people[persona], world[kind]
    expected = {204: 200}.get(EXPECTED[persona, kind]["delete"], EXPECTED[persona, kind]["delete"])
    response = browser(user).get(f"/customers/{customer.pk}/delete/")
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
    assert Customer.objects.filter(pk=customer.pk).exists()
    if expected == 200:
        assert customer.name in response.content.decode()
    else:
        assert customer.name not in response.content.decode()


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_browser_delete_post(persona, kind, people, world, browser):
    user, customer = people[persona], world[kind]
    expected = EXPECTED[persona, kind]["delete"]
    before = _snapshot(customer)
    response = browser(user).post(f"/customers/{customer.pk}/delete/")
    assert_refusal_logged(user, expected)
    if expected == 204:
        assert response.status_code == 302
        assert response["Location"] == "/customers/"
        assert not Customer.objects.filter(pk=customer.pk).exists()
        assert Customer.history.filter(id=customer.pk, history_type="-").get().history_user == user
    else:
        assert response.status_code == expected
        assert _snapshot(customer) == before


@pytest.mark.parametrize(("persona", "kind"), CELLS, ids=CELL_IDS)
def test_api_delete(persona, kind, people, world, api):
    user, customer = people[persona], world[kind]
    expected = EXPECTED[persona, kind]["delete"]
    before = _snapshot(customer)
    response = api(user).delete(f"/api/v1/customers/{customer.pk}/")
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
    if expected == 204:
        assert not Customer.objects.filter(pk=customer.pk).exists()
        assert not Contact.objects.filter(customer_id=customer.pk).exists()
    else:
        assert response.json()["error"]["status"] == expected
        assert _snapshot(customer) == before


# --- delete of a certified customer; ids that do not exist -------------------------------------


@pytest.fixture
def certified(people, customer_factory):
    """A certified (active) customer of am1."""
    return customer_factory(
        name="北京已认定客户有限公司",
        owner=people["am1"],
        status=CustomerStatus.ACTIVE,
        code="KABJ00001",
    )


@pytest.mark.parametrize("persona", ["manager"])
def test_api_delete_of_a_certified_customer_is_refused_and_keeps_it(
    persona, people, certified, api
):
    response = api(people["manager"]).delete(f"/api/v1/customers/{certified.pk}/")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert "terminate" in error["message"].lower() or "终止" in error["message"]
    assert Customer.objects.filter(pk=certified.pk, status="active").exists()


@pytest.mark.parametrize("persona", ["manager"])
def test_browser_delete_of_a_certified_customer_is_refused_and_keeps_it(
    persona, people, certified, browser
):
    client = browser(people["manager"])
    response = client.post(f"/customers/{certified.pk}/delete/", follow=True)
    assert response.redirect_chain == [(f"/customers/{certified.pk}/", 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert any("terminate" in m.lower() or "终止" in m for m in messages), messages
    assert Customer.objects.filter(pk=certified.pk, status="active").exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/customers/999999/"),
        ("get", "/customers/999999/edit/"),
        ("post", "/customers/999999/delete/"),
        ("get", "/api/v1/customers/999999/"),
        ("patch", "/api/v1/customers/999999/"),
        ("delete", "/api/v1/customers/999999/"),
    ],
)
@pytest.mark.parametrize("persona", ["am1", "admin_clerk", "gm"])
def test_a_missing_record_is_404_whatever_the_permissions(persona, method, url, people, client):
    client.force_login(people[persona])
    response = getattr(client, method)(url, content_type="application/json")
    assert response.status_code == 404


# --- assign: out of scope is 404 before the permission says 403 --------------------------------


@pytest.mark.parametrize(
    ("persona", "kind", "expected"),
    [
        ("am1", "own", 403),  # in scope, may not assign
        ("am1", "other", 404),
        ("admin_clerk", "dept", 403),
        ("admin_clerk", "other", 404),
        ("manager", "dept", 200),
        ("manager", "other", 404),
    ],
)
def test_browser_assign_page(persona, kind, expected, people, world, browser):
    user, customer = people[persona], world[kind]
    response = browser(user).get(f"/customers/{customer.pk}/assign/")
    assert response.status_code == expected
    assert_refusal_logged(user, expected)
