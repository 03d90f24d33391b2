"""Role personas (one per position) in a small organisation:

company (华辰科技)  ── gm, director, vp, sysadmin
  ├─ ka   (大客户部)  ── manager, am1 (region bj), am2 (region sh), admin_clerk, statistician
  ├─ ka2  (大客户二部) ── manager2, am3
  ├─ service          ── service, complaint_specialist
  └─ finance          ── finance
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import (
    ContactFactory,
    CustomerFactory,
    DepartmentFactory,
    RegionFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # throttling and axes counters do not leak between tests
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def org(db):
    company = DepartmentFactory(code="company", name="华辰科技")
    ka = DepartmentFactory(code="ka", name="大客户部", parent=company)
    ka2 = DepartmentFactory(code="ka2", name="大客户二部", parent=company)
    service = DepartmentFactory(code="service", name="客户服务中心", parent=company)
    finance = DepartmentFactory(code="finance", name="财务部", parent=company)
    bj = RegionFactory(code="bj", name="华北区", department=ka)
    sh = RegionFactory(code="sh", name="华东区", department=ka)
    return {
        "company": company,
        "ka": ka,
        "ka2": ka2,
        "service": service,
        "finance": finance,
        "bj": bj,
        "sh": sh,
    }


PERSONAS = {
    # username: (position code, department key, region key)
    "gm": ("gm", "company", None),
    "director": ("sales_director", "company", None),
    "vp": ("vp", "company", None),
    "sysadmin": ("sysadmin", "company", None),
    "manager": ("dept_manager", "ka", None),
    "am1": ("account_manager", "ka", "bj"),
    "am2": ("account_manager", "ka", "sh"),
    "admin_clerk": ("sales_admin", "ka", None),
    "statistician": ("statistician", "ka", None),
    "manager2": ("dept_manager", "ka2", None),
    "am3": ("account_manager", "ka2", None),
    "service": ("customer_service", "service", None),
    "complaint_specialist": ("complaint_specialist", "service", None),
    "finance": ("finance", "finance", None),
}


@pytest.fixture
def people(org):
    """Every persona, created once per test: ``people["am1"]``."""
    users = {}
    for username, (position, dept, region) in PERSONAS.items():
        users[username] = UserFactory.with_position(
            position,
            username=username,
            department=org[dept],
            region=org[region] if region else None,
        )
    return users


@pytest.fixture
def am1(people):
    return people["am1"]


@pytest.fixture
def am2(people):
    return people["am2"]


@pytest.fixture
def manager(people):
    return people["manager"]


@pytest.fixture
def customer_factory(db):
    return CustomerFactory


@pytest.fixture
def contact_factory(db):
    return ContactFactory


@pytest.fixture
def api():
    """``api(user)`` → an APIClient authenticated as ``user`` (session-less)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def browser(client):
    """``browser(user)`` → Django test client logged in as ``user``."""

    def make(user):
        client.force_login(user)
        return client

    return make
