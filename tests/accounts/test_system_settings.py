"""Business settings: declared in code with a default and a validator, overridden in the
admin, validated, cached and re-read after a change."""

import pytest
from django.core.exceptions import ValidationError

from accounts import system_settings
from accounts.models import SystemSetting

pytestmark = pytest.mark.django_db

CAP = system_settings.define(
    "tests.example.cap_per_grade",
    default={"A": 5, "B": 10, "C": 20, "D": None},
    description="example",
    schema=system_settings.per_grade(system_settings.int_at_least(1)),
)


def test_default_until_an_administrator_sets_a_value(people):
    assert CAP.value() == {"A": 5, "B": 10, "C": 20, "D": None}
    system_settings.set_value(key=CAP.key, value={"A": 3, "B": 6}, actor=people["sysadmin"])
    assert CAP.value() == {"A": 3, "B": 6, "C": None, "D": None}
    row = SystemSetting.objects.get(key=CAP.key)
    assert row.updated_by == people["sysadmin"]


@pytest.mark.parametrize("bad", [{"A": 0}, {"E": 3}, {"A": "many"}, [1, 2], {"A": True}], ids=str)
def test_invalid_values_are_refused_and_nothing_is_stored(bad):
    with pytest.raises(ValidationError) as exc:
        system_settings.set_value(key=CAP.key, value=bad)
    assert CAP.key in str(exc.value)
    assert not SystemSetting.objects.filter(key=CAP.key).exists()


def test_unknown_key_is_refused():
    with pytest.raises(ValidationError):
        system_settings.set_value(key="no.such.setting", value=1)


def test_admin_form_validates_with_the_declared_schema(people, client):
    sysadmin = people["sysadmin"]
    sysadmin.is_staff = True
    sysadmin.save()
    client.force_login(sysadmin)
    response = client.post(
        "/admin/accounts/systemsetting/add/", {"key": CAP.key, "value": '{"A": -1}'}
    )
    assert response.status_code == 200  # form shown again with the error
    assert not SystemSetting.objects.exists()
    response = client.post(
        "/admin/accounts/systemsetting/add/", {"key": CAP.key, "value": '{"A": 7}'}
    )
    assert response.status_code == 302
    assert CAP.value()["A"] == 7
