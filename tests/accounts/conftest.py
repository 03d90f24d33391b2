"""Fixtures of the approval-engine tests: certification applications ready to submit (the
engine's first real document type) and a second department manager."""

from decimal import Decimal

import pytest

from customers.models import CertificationApplication, CustomerSurvey
from tests.factories import CustomerFactory, SurveyFactory, UserFactory


@pytest.fixture
def application_for():
    """``application_for(owner, amount=...)`` → a draft certification application of a new
    prospect owned by ``owner``, with everything a submission needs (credit code, credit and
    on-site surveys)."""

    def make(owner, amount=Decimal("3000000"), **customer_fields):
        customer_fields.setdefault("region", owner.region)
        customer = CustomerFactory(owner=owner, **customer_fields)
        SurveyFactory(customer=customer, kind=CustomerSurvey.Kind.CREDIT)
        SurveyFactory(customer=customer, kind=CustomerSurvey.Kind.ON_SITE)
        return CertificationApplication.objects.create(
            customer=customer,
            reasons="年采购额大,回款及时",
            trading_policy="月结60天",
            goods_and_amounts="服务器 300万元/年",
            expected_annual_amount=amount,
            created_by=owner,
        )

    return make


@pytest.fixture
def deputy(people, org):
    """A second department manager of 大客户部: two people may decide the same step."""
    return UserFactory.with_position("dept_manager", username="deputy", department=org["ka"])
