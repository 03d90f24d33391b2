"""Bad input is refused with a clear error on the field at fault, and nothing is written:
no customer, contact or history row. API errors keep the one error shape of config/api.py;
browser forms re-render with the user's input.

Requests ask for English so that the messages can be checked; test_i18n covers Chinese."""

import pytest

from customers.models import Contact, Customer, CustomerStatus

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
VALID_CODE = "91110108MA01A2B3CF"  # a real-looking code with a correct check character
OTHER_CODE = "91310000MA1K4N9Q13"


def _bad_check_char(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


def _written():
    """Everything a refused request must leave untouched."""
    return (
        Customer.objects.count(),
        Customer.history.count(),
        Contact.objects.count(),
        Contact.history.count(),
        list(Customer.objects.order_by("pk").values_list("pk", "name", "owner_id", "status")),
    )


def assert_field_error(response, field, *, says=None):
    """400, the shared error body, and the field named (with ``says`` in its message)."""
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert error["message"]
    assert field in error["fields"], error
    if says is not None:
        text = " ".join(error["fields"][field]).lower()
        assert says.lower() in text, error["fields"][field]
    return error


@pytest.fixture
def rep(api, people):
    client = api(people["am1"])
    client.defaults.update(EN)
    return client


@pytest.fixture
def boss(api, people):
    client = api(people["manager"])
    client.defaults.update(EN)
    return client


def test_the_valid_code_used_below_is_valid(rep):
    # the positive control: the same request with good data is accepted
    response = rep.post(
        "/api/v1/customers/",
        {"name": "北京华信科技有限公司", "credit_code": VALID_CODE, "postcode": "100081"},
        format="json",
    )
    assert response.status_code == 201, response.json()


# --- API: create ------------------------------------------------------------------------------

BAD_CREATE = [
    pytest.param({}, "name", "required", id="name-missing"),
    pytest.param({"name": ""}, "name", "blank", id="name-empty"),
    pytest.param({"name": "   "}, "name", "blank", id="name-spaces"),
    pytest.param({"name": "长" * 201}, "name", "200", id="name-too-long"),
    pytest.param({"name": None}, "name", "null", id="name-null"),
    pytest.param(
        {"credit_code": _bad_check_char(VALID_CODE)}, "credit_code", "check", id="cc-check"
    ),
    pytest.param({"credit_code": VALID_CODE[:17]}, "credit_code", "18", id="cc-17-chars"),
    pytest.param({"credit_code": VALID_CODE + "1"}, "credit_code", "18", id="cc-19-chars"),
    *[
        pytest.param(
            {"credit_code": VALID_CODE[:9] + letter + VALID_CODE[10:]},
            "credit_code",
            "not allowed",
            id=f"cc-letter-{letter}",
        )
        for letter in "IOSVZ"
    ],
    pytest.param(
        {"credit_code": "91ABCDEFMA01A2B3C8"}, "credit_code", "digits", id="cc-3-8-digits"
    ),
    pytest.param({"registered_capital": "-0.01"}, "registered_capital", "0", id="capital-neg"),
    pytest.param({"registered_capital": "abc"}, "registered_capital", "number", id="capital-abc"),
    pytest.param({"postcode": "10008"}, "postcode", "six digits", id="postcode-short"),
    pytest.param({"postcode": "10008A"}, "postcode", "six digits", id="postcode-letter"),
    pytest.param({"phone": "call me"}, "phone", "digits", id="phone-letters"),
    pytest.param({"grade": "Z"}, "grade", "valid choice", id="grade-Z"),
    pytest.param({"customer_type": "friend"}, "customer_type", "valid choice", id="type"),
    pytest.param({"relationship_class": 3}, "relationship_class", "valid choice", id="class"),
    pytest.param({"industry": 999999}, "industry", "does not exist", id="industry-unknown"),
    pytest.param({"region": "bj"}, "region", "incorrect type", id="region-not-an-id"),
    pytest.param({"owner": 999999}, "owner", "does not exist", id="owner-unknown"),
    pytest.param({"status": "active"}, "status", "cannot be set", id="status"),
    pytest.param({"code": "KABJ00001"}, "code", "cannot be set", id="code"),
    pytest.param({"department": 1}, "department", "cannot be set", id="department"),
    pytest.param({"created_by": 1}, "created_by", "cannot be set", id="created_by"),
    pytest.param({"certified_at": "2026-01-01T00:00:00Z"}, "certified_at", "cannot", id="cert-at"),
    pytest.param({"name_key": "x"}, "name_key", "cannot be set", id="name_key"),
]


@pytest.mark.parametrize(("changes", "field", "says"), BAD_CREATE)
def test_api_create_refuses_bad_input(changes, field, says, rep):
    payload = {"name": "北京华信科技有限公司", "credit_code": ""}
    payload.update(changes)
    if not changes:
        del payload["name"]
    before = _written()
    response = rep.post("/api/v1/customers/", payload, format="json")
    assert_field_error(response, field, says=says)
    assert _written() == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"name": "北京华信', id="truncated"),
        pytest.param("{'name': 'x'}", id="single-quotes"),
        pytest.param("", id="empty"),
    ],
)
def test_api_create_refuses_malformed_json(body, rep):
    before = _written()
    response = rep.post("/api/v1/customers/", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    if body:
        assert error == {"status": 400, "code": "parse_error", "message": error["message"]}
        assert "json" in error["message"].lower()
    else:  # an empty body is an empty object: the name is missing
        assert error["fields"]["name"]
    assert _written() == before


def test_api_create_refuses_a_list_instead_of_an_object(rep):
    before = _written()
    response = rep.post("/api/v1/customers/", [{"name": "北京华信科技有限公司"}], format="json")
    assert_field_error(response, "non_field_errors", says="dictionary")
    assert _written() == before


def test_a_rep_cannot_create_a_customer_for_someone_else(rep, people):
    before = _written()
    response = rep.post(
        "/api/v1/customers/", {"name": "北京华信科技有限公司", "owner": people["am2"].pk}
    )
    assert_field_error(response, "owner", says="may not assign")
    assert _written() == before


def test_a_manager_cannot_give_a_customer_to_another_department(boss, people):
    before = _written()
    response = boss.post(
        "/api/v1/customers/", {"name": "北京华信科技有限公司", "owner": people["am3"].pk}
    )
    assert_field_error(response, "owner", says="department")
    assert _written() == before


def test_a_manager_cannot_give_a_customer_to_an_inactive_user(boss, people):
    people["am2"].is_active = False
    people["am2"].save(update_fields=["is_active"])
    before = _written()
    response = boss.post(
        "/api/v1/customers/", {"name": "北京华信科技有限公司", "owner": people["am2"].pk}
    )
    assert_field_error(response, "owner")
    assert _written() == before


# --- API: duplicates ----------------------------------------------------------------------------


@pytest.fixture
def huawei(people, customer_factory):
    """A certified customer of am1 (visible to am1 and the manager, not to am3)."""
    return customer_factory(
        name="华为技术有限公司",
        credit_code=VALID_CODE,
        owner=people["am1"],
        status=CustomerStatus.ACTIVE,
        code="KABJ00007",
    )


@pytest.mark.parametrize(
    "code", [VALID_CODE, VALID_CODE.lower(), f"  {VALID_CODE} "], ids=["same", "lower", "spaces"]
)
def test_duplicate_credit_code_names_the_visible_customer(code, rep, huawei, people):
    before = _written()
    response = rep.post("/api/v1/customers/", {"name": "深圳某某科技有限公司", "credit_code": code})
    error = assert_field_error(response, "credit_code", says="already exists")
    message = error["fields"]["credit_code"][0]
    assert "华为技术有限公司" in message
    assert "KABJ00007" in message
    assert str(people["am1"]) in message
    assert _written() == before


def test_duplicate_credit_code_does_not_reveal_owner_or_code_of_an_invisible_customer(
    api, huawei, people
):
    client = api(people["am3"])  # another department: am1's customer is not visible
    before = _written()
    response = client.post(
        "/api/v1/customers/",
        {"name": "深圳某某科技有限公司", "credit_code": VALID_CODE},
        format="json",
        **EN,
    )
    error = assert_field_error(response, "credit_code", says="already exists")
    body = response.content.decode()
    assert "KABJ00007" not in body
    assert str(people["am1"]) not in body
    assert "am1" not in body
    assert "another team" in error["fields"]["credit_code"][0]
    assert _written() == before


@pytest.mark.parametrize(
    "name",
    [
        "华为技术（股份有限公司）",
        "华为技术股份有限公司",
        "华为技术有限责任公司",
        "华为技术集团",
        " 华为 技术有限公司 ",
        "华为技术(有限公司)",
        "华为技术有限公司",
    ],
)
def test_duplicate_normalised_name_is_refused(name, rep, huawei):
    before = _written()
    response = rep.post("/api/v1/customers/", {"name": name})
    error = assert_field_error(response, "name", says="already exists")
    assert "华为技术有限公司" in error["fields"]["name"][0]
    assert _written() == before


def test_duplicate_name_of_an_invisible_customer_does_not_reveal_owner_or_code(api, huawei, people):
    response = api(people["am3"]).post(
        "/api/v1/customers/", {"name": "华为技术股份有限公司"}, format="json", **EN
    )
    assert_field_error(response, "name", says="another team")
    assert "KABJ00007" not in response.content.decode()
    assert str(people["am1"]) not in response.content.decode()


def test_a_branch_is_not_a_duplicate_of_its_head_office(rep, huawei):
    response = rep.post("/api/v1/customers/", {"name": "华为技术有限公司北京分公司"})
    assert response.status_code == 201, response.json()


# --- API: update --------------------------------------------------------------------------------


@pytest.fixture
def mine(people, customer_factory):
    return customer_factory(name="北京自有电力有限公司", owner=people["am1"], postcode="100081")


def _state(customer):
    customer.refresh_from_db()
    return (
        {f.attname: getattr(customer, f.attname) for f in Customer._meta.concrete_fields},
        Customer.history.filter(id=customer.pk).count(),
    )


BAD_PATCH = [
    pytest.param({"name": ""}, "name", "blank", id="name-empty"),
    pytest.param({"name": "长" * 201}, "name", "200", id="name-too-long"),
    pytest.param({"credit_code": _bad_check_char(VALID_CODE)}, "credit_code", "check", id="cc"),
    pytest.param({"registered_capital": "-5"}, "registered_capital", "0", id="capital-neg"),
    pytest.param({"registered_capital": "abc"}, "registered_capital", "number", id="capital-abc"),
    pytest.param({"postcode": "1000811"}, "postcode", None, id="postcode"),
    pytest.param({"grade": "Z"}, "grade", "valid choice", id="grade-Z"),
    pytest.param({"status": "active"}, "status", "cannot be set", id="status"),
    pytest.param({"status": "terminated", "name": "新名字有限公司"}, "status", None, id="status+"),
    pytest.param({"code": "KABJ00099"}, "code", "cannot be set", id="code"),
    pytest.param({"department": 1}, "department", "cannot be set", id="department"),
    pytest.param({"created_by": 1}, "created_by", "cannot be set", id="created_by"),
    pytest.param({"id": 12345}, "id", "cannot be set", id="id"),
    pytest.param({"owner": 999999}, "owner", "does not exist", id="owner-unknown"),
]


@pytest.mark.parametrize(("changes", "field", "says"), BAD_PATCH)
def test_api_patch_refuses_bad_input(changes, field, says, rep, mine):
    before = _state(mine)
    response = rep.patch(f"/api/v1/customers/{mine.pk}/", changes, format="json")
    assert_field_error(response, field, says=says)
    assert _state(mine) == before


def test_api_patch_refuses_malformed_json(rep, mine):
    before = _state(mine)
    response = rep.patch(
        f"/api/v1/customers/{mine.pk}/", '{"name": }', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert _state(mine) == before


def test_a_rep_cannot_hand_a_customer_to_someone_else_by_patch(rep, mine, people):
    before = _state(mine)
    response = rep.patch(
        f"/api/v1/customers/{mine.pk}/",
        {"owner": people["am2"].pk, "grade": "A"},
        format="json",
    )
    assert_field_error(response, "owner", says="may not assign")
    assert _state(mine) == before


def test_a_rep_may_send_back_the_owner_unchanged(rep, mine, people):
    response = rep.patch(
        f"/api/v1/customers/{mine.pk}/", {"owner": people["am1"].pk, "grade": "A"}, format="json"
    )
    assert response.status_code == 200, response.json()
    mine.refresh_from_db()
    assert (mine.owner, mine.grade) == (people["am1"], "A")


def test_a_manager_cannot_patch_the_owner_to_another_department(boss, mine, people):
    before = _state(mine)
    response = boss.patch(
        f"/api/v1/customers/{mine.pk}/", {"owner": people["am3"].pk}, format="json"
    )
    assert_field_error(response, "owner", says="department")
    assert _state(mine) == before


def test_a_refused_archive_change_also_undoes_the_new_owner(boss, mine, huawei, people):
    """Owner and archive fields in one PATCH: all or nothing."""
    before = _state(mine)
    response = boss.patch(
        f"/api/v1/customers/{mine.pk}/",
        {"owner": people["am2"].pk, "name": "华为技术股份有限公司"},
        format="json",
    )
    assert_field_error(response, "name", says="already exists")
    assert _state(mine) == before


def test_api_patch_to_a_duplicate_credit_code_is_refused(rep, mine, huawei):
    before = _state(mine)
    response = rep.patch(
        f"/api/v1/customers/{mine.pk}/", {"credit_code": VALID_CODE.lower()}, format="json"
    )
    assert_field_error(response, "credit_code", says="华为技术有限公司")
    assert _state(mine) == before


def test_a_certified_customer_keeps_its_credit_code(rep, huawei):
    before = _state(huawei)
    response = rep.patch(f"/api/v1/customers/{huawei.pk}/", {"credit_code": ""}, format="json")
    assert_field_error(response, "credit_code", says="keep")
    assert _state(huawei) == before


# --- API: contacts --------------------------------------------------------------------------------


BAD_CONTACT = [
    pytest.param({"name": ""}, "name", "blank", id="name-empty"),
    pytest.param({"name": "张" * 61}, "name", "60", id="name-too-long"),
    pytest.param({"mobile": "", "email": ""}, "mobile", "at least one way", id="unreachable"),
    pytest.param({"email": "zhang@"}, "email", "email", id="email"),
    pytest.param({"mobile": "一三九"}, "mobile", "digits", id="mobile"),
    pytest.param({"birthday": "1990-02-30"}, "birthday", "date", id="birthday"),
    pytest.param({"role": "boss"}, "role", "valid choice", id="role"),
    pytest.param({"customer": 999999}, "customer", "does not exist", id="customer-unknown"),
    pytest.param({"created_by": 1}, "created_by", "cannot be set", id="created_by"),
]


@pytest.mark.parametrize(("changes", "field", "says"), BAD_CONTACT)
def test_api_contact_create_refuses_bad_input(changes, field, says, rep, mine):
    payload = {"customer": mine.pk, "name": "张伟", "mobile": "13900000000", **changes}
    before = _written()
    response = rep.post("/api/v1/contacts/", payload, format="json")
    assert_field_error(response, field, says=says)
    assert _written() == before


def test_api_contact_for_a_customer_out_of_scope_is_not_found(rep, people, customer_factory):
    theirs = customer_factory(owner=people["am3"])
    before = _written()
    response = rep.post(
        "/api/v1/contacts/",
        {"customer": theirs.pk, "name": "张伟", "mobile": "13900000000"},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert _written() == before


def test_api_contact_cannot_move_to_another_customer(rep, mine, people, customer_factory):
    other = customer_factory(owner=people["am1"])
    contact = Contact.objects.create(customer=mine, name="张伟", mobile="13900000000")
    response = rep.patch(f"/api/v1/contacts/{contact.pk}/", {"customer": other.pk}, format="json")
    assert_field_error(response, "customer", says="another customer")
    contact.refresh_from_db()
    assert contact.customer_id == mine.pk


def test_api_certification_refuses_a_negative_amount(rep, mine):
    response = rep.post(
        "/api/v1/certifications/",
        {
            "customer": mine.pk,
            "reasons": "年采购额大",
            "trading_policy": "月结60天",
            "goods_and_amounts": "服务器",
            "expected_annual_amount": "-1",
        },
        format="json",
    )
    assert_field_error(response, "expected_annual_amount")
    assert not mine.certifications.exists()


# --- browser forms ------------------------------------------------------------------------------


def _customer_form(**changes):
    data = {
        "name": "北京华信科技有限公司",
        "credit_code": OTHER_CODE,
        "legal_representative": "王建国",
        "address": "北京市海淀区中关村大街1号",
        "postcode": "100081",
        "customer_type": "end_customer",
        "grade": "B",
        "relationship_class": "general",
        "registered_capital": "500",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def rep_browser(browser, people):
    client = browser(people["am1"])
    client.defaults.update(EN)
    return client


BAD_FORM = [
    pytest.param({"name": None}, "name", "required", id="name-missing"),
    pytest.param({"name": "长" * 201}, "name", "200", id="name-too-long"),
    pytest.param({"credit_code": _bad_check_char(VALID_CODE)}, "credit_code", "check", id="cc"),
    pytest.param(
        {"credit_code": VALID_CODE[:9] + "O" + VALID_CODE[10:]},
        "credit_code",
        "not allowed",
        id="cc-O",
    ),
    pytest.param({"credit_code": VALID_CODE[:16]}, "credit_code", "18", id="cc-16-chars"),
    pytest.param({"registered_capital": "-1"}, "registered_capital", "0", id="capital-neg"),
    pytest.param({"registered_capital": "abc"}, "registered_capital", "number", id="capital-abc"),
    pytest.param({"postcode": "1000"}, "postcode", "six digits", id="postcode"),
    pytest.param({"grade": "Z"}, "grade", "valid choice", id="grade-Z"),
    pytest.param({"name": "华为技术（股份有限公司）"}, "name", "already exists", id="dup-name"),
]


def _form_errors(response) -> dict:
    return {k: " ".join(v) for k, v in response.context["form"].errors.items()}


@pytest.mark.parametrize(("changes", "field", "says"), BAD_FORM)
def test_browser_create_form_refuses_bad_input_and_keeps_it(
    changes, field, says, rep_browser, huawei
):
    data = _customer_form(**changes)
    before = _written()
    response = rep_browser.post("/customers/new/", data)
    assert response.status_code == 200  # the form again, not a redirect
    errors = _form_errors(response)
    assert field in errors, errors
    assert says.lower() in errors[field].lower()
    assert _written() == before
    html = response.content.decode()
    assert 'class="form-control is-invalid"' in html or "is-invalid" in html
    for key in ("name", "legal_representative", "address", "credit_code"):
        if key in data:
            assert f'value="{data[key]}"' in html, key


def test_browser_create_form_ignores_an_owner_a_rep_may_not_choose(rep_browser, people):
    """The form has no owner field for a rep; a forged one changes nothing."""
    response = rep_browser.post("/customers/new/", _customer_form(owner=people["am2"].pk))
    assert response.status_code == 302
    customer = Customer.objects.get(name="北京华信科技有限公司")
    assert customer.owner == people["am1"]


def test_browser_create_form_refuses_an_owner_of_another_department(browser, people):
    client = browser(people["manager"])
    client.defaults.update(EN)
    before = _written()
    response = client.post("/customers/new/", _customer_form(owner=people["am3"].pk))
    assert response.status_code == 200
    assert "owner" in _form_errors(response)
    assert _written() == before


def test_browser_create_form_lets_a_manager_choose_an_owner(browser, people):
    client = browser(people["manager"])
    response = client.post("/customers/new/", _customer_form(owner=people["am2"].pk))
    assert response.status_code == 302, _form_errors(response)
    assert Customer.objects.get(name="北京华信科技有限公司").owner == people["am2"]


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        pytest.param({"postcode": "10008A"}, "postcode", "six digits", id="postcode"),
        pytest.param({"name": ""}, "name", "required", id="name-empty"),
        pytest.param({"credit_code": _bad_check_char(VALID_CODE)}, "credit_code", "check"),
        pytest.param({"name": "华为技术股份有限公司"}, "name", "already exists", id="dup"),
    ],
)
def test_browser_edit_form_refuses_bad_input_and_keeps_it(
    changes, field, says, rep_browser, mine, huawei
):
    before = _state(mine)
    data = _customer_form(**{"name": mine.name, "credit_code": mine.credit_code, **changes})
    response = rep_browser.post(f"/customers/{mine.pk}/edit/", data)
    assert response.status_code == 200
    errors = _form_errors(response)
    assert says.lower() in errors[field].lower(), errors
    assert _state(mine) == before
    html = response.content.decode()
    assert f'value="{data["address"]}"' in html
    if data.get(field):
        assert f'value="{data[field]}"' in html


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        pytest.param({"mobile": ""}, "mobile", "at least one way", id="unreachable"),
        pytest.param({"email": "zhang@"}, "email", "email", id="email"),
        pytest.param({"name": ""}, "name", "required", id="name-empty"),
    ],
)
def test_browser_contact_form_refuses_bad_input_and_keeps_it(
    changes, field, says, rep_browser, mine
):
    data = {"name": "张伟", "title": "采购总监", "role": "purchaser", "mobile": "13900000000"}
    data.update(changes)
    before = _written()
    response = rep_browser.post(f"/customers/{mine.pk}/contacts/new/", data)
    assert response.status_code == 200
    errors = _form_errors(response)
    assert says.lower() in errors[field].lower(), errors
    assert _written() == before
    assert 'value="采购总监"' in response.content.decode()
