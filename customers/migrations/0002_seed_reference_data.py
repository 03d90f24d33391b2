"""Industries, the certification approval ladder and the customer permissions of positions."""

from decimal import Decimal

from django.db import migrations

from accounts.migration_utils import grant, revoke

INDUSTRIES = [
    ("government", "政府机关/事业单位", 10),
    ("group", "集团企业", 20),
    ("finance", "银行/金融", 30),
    ("healthcare", "医疗卫生", 40),
    ("telecom", "电信运营商", 50),
    ("manufacturing", "制造业", 60),
    ("energy", "能源/电力", 70),
    ("transport", "交通/物流", 80),
    ("education", "教育", 90),
    ("other", "其他", 100),
]

CUSTOMER_MODELS = [
    ("customers", "customer"), ("customers", "contact"), ("customers", "customersurvey"),
    ("customers", "certificationapplication"), ("customers", "customerteammember"),
]
_READ = ["customers.view_customer", "customers.view_contact"]
_REP = _READ + [
    "customers.add_customer", "customers.change_customer", "customers.export_customer",
    "customers.add_contact", "customers.change_contact", "customers.delete_contact",
    "customers.view_customersurvey", "customers.add_customersurvey",
    "customers.view_certificationapplication", "customers.add_certificationapplication",
    "customers.change_certificationapplication", "customers.view_customerteammember",
]
_EXEC = _READ + [
    "customers.view_customersurvey", "customers.view_certificationapplication",
    "customers.export_customer", "customers.view_customerteammember",
]
GRANTS = {
    "account_manager": _REP,
    "account_rep": _REP,
    "sales_admin": _READ + ["customers.add_customer", "customers.add_contact",
                            "customers.export_customer"],
    "statistician": _READ + ["customers.add_customer", "customers.change_customer",
                             "customers.add_contact", "customers.change_contact",
                             "customers.view_customersurvey", "customers.export_customer"],
    "customer_service": _READ,
    "complaint_specialist": _READ,
    "dept_manager": _REP + ["customers.delete_customer", "customers.assign_customer"],
    "sales_director": _EXEC + ["customers.assign_customer"],
    "vp": _EXEC,
    "gm": _EXEC,
    "finance": _READ,
    "sysadmin": _READ,
}

CERTIFICATION = "customers.certification"


def seed(apps, schema_editor):
    Industry = apps.get_model("customers", "Industry")
    for code, name, order in INDUSTRIES:
        Industry.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    grant(apps, GRANTS, CUSTOMER_MODELS)

    Position = apps.get_model("accounts", "Position")
    Step = apps.get_model("accounts", "ApprovalChainStep")
    Authority = apps.get_model("accounts", "ApprovalAuthority")
    manager = Position.objects.filter(code="dept_manager").first()
    director = Position.objects.filter(code="sales_director").first()
    if manager and director and not Step.objects.filter(document_type=CERTIFICATION).exists():
        # The department manager certifies new key accounts; above 10 million CNY expected
        # annual sales the sales director confirms.
        Step.objects.create(document_type=CERTIFICATION, sequence=1, position=manager, mandatory=True)
        Step.objects.create(document_type=CERTIFICATION, sequence=2, position=director)
        Authority.objects.get_or_create(
            position=manager, document_type=CERTIFICATION,
            defaults={"max_amount": Decimal("10000000")},
        )
        Authority.objects.get_or_create(
            position=director, document_type=CERTIFICATION, defaults={"max_amount": None}
        )


def unseed(apps, schema_editor):
    revoke(apps, GRANTS)
    apps.get_model("accounts", "ApprovalChainStep").objects.filter(document_type=CERTIFICATION).delete()
    apps.get_model("accounts", "ApprovalAuthority").objects.filter(document_type=CERTIFICATION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("accounts", "0002_seed_positions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
