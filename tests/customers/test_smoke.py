import pytest

pytestmark = pytest.mark.django_db


def test_rep_creates_customer_through_api_and_sees_it(api, am1, org):
    response = api(am1).post(
        "/api/v1/customers/",
        {"name": "北京华信科技有限公司", "credit_code": "", "grade": "A", "region": org["bj"].pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"] == am1.pk
    assert body["status"] == "prospect"
    assert body["code"] is None
    listing = api(am1).get("/api/v1/customers/").json()
    assert [c["name"] for c in listing["results"]] == ["北京华信科技有限公司"]


def test_browser_list_renders_for_rep(browser, am1, customer_factory):
    customer_factory(owner=am1, name="上海远航物流有限公司")
    response = browser(am1).get("/customers/")
    assert response.status_code == 200
    assert "上海远航物流有限公司" in response.content.decode()
