"""Factories shared by every test module (factory_boy)."""

import itertools
import random
from decimal import Decimal

import factory

from accounts.models import Department, Position, Region, User
from customers.models import Contact, Customer, CustomerStatus, CustomerSurvey, Industry
from customers.normalize import name_key
from customers.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

_rng = random.Random(7)
_counter = itertools.count(1)


def valid_credit_code() -> str:
    body = "91110108" + "".join(_rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.LazyAttribute(lambda o: f"部门{o.code}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"r{n}")
    name = factory.LazyAttribute(lambda o: f"区域{o.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.LazyAttribute(lambda o: f"员工{o.username}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @classmethod
    def with_position(cls, code: str, **kwargs):
        return cls(position=Position.objects.get(code=code), **kwargs)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer written straight to the database (no service), for arranging tests."""

    class Meta:
        model = Customer

    name = factory.LazyFunction(lambda: f"测试客户{next(_counter)}科技有限公司")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    credit_code = factory.LazyFunction(valid_credit_code)
    status = CustomerStatus.PROSPECT
    grade = "B"
    department = factory.LazyAttribute(
        lambda o: o.owner.department if o.owner else DepartmentFactory(code="ka")
    )
    owner = None
    created_by = factory.LazyAttribute(lambda o: o.owner)
    industry = factory.LazyFunction(lambda: Industry.objects.order_by("pk").first())
    registered_capital = Decimal("1000")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    role = Contact.Role.PURCHASER
    created_by = factory.LazyAttribute(lambda o: o.customer.owner)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerSurvey

    customer = factory.SubFactory(CustomerFactory)
    kind = CustomerSurvey.Kind.CREDIT
    survey_date = factory.LazyFunction(lambda: __import__("datetime").date(2026, 11, 1))
    findings = "资信良好"
    conclusion = CustomerSurvey.Conclusion.PASS
    created_by = factory.LazyAttribute(lambda o: o.customer.owner)
