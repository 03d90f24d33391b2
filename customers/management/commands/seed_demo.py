"""Demo data for trying kamcrm: one company, a 大客户部 with two regions, a login for each
position, ~300 customers in every lifecycle stage. Idempotent: running it again only
resets the demo passwords."""

import random
from decimal import Decimal
from importlib import import_module

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Position, Region, User
from accounts.services.approvals import Decision, approval_decide, request_for
from accounts.services.notifications import emails_suppressed
from customers import services
from customers.demo import (
    CITIES,
    INSTITUTIONS,
    KINDS,
    SCOPES,
    TITLES,
    WORDS,
    birthday,
    credit_code,
    mobile,
    person_name,
)
from customers.models import Customer, CustomerSurvey, Grade, Industry, RelationshipClass

#: each feature's demo data, loaded in this order after the customers
FEATURE_DEMOS = [
    "customers.contracts.demo",
    "customers.pool.demo",
    "customers.review.demo",
    "customers.confidential.demo",
    "customers.imports.demo",
    "customers.lists.demo",
    "customers.merge.demo",
    "accounts.handover.demo",
    "visits.demo",
    "complaints.demo",
]

USERS = [
    # username, name, position, department code, region code
    ("gm", "周建国", "gm", "company", None),
    ("director", "吴志红", "sales_director", "company", None),
    ("manager", "郑海涛", "dept_manager", "ka", None),
    ("am1", "李明", "account_manager", "ka", "bj"),
    ("am2", "王芳", "account_manager", "ka", "sh"),
    ("admin_clerk", "陈静", "sales_admin", "ka", None),
    ("service", "刘丽", "customer_service", "service", None),
    ("finance", "孙平", "finance", "finance", None),
    ("sysadmin", "赵强", "sysadmin", "company", None),
]


class Command(BaseCommand):
    help = "Load the demo company, users (one per position) and ~300 customers."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo12345", help="password of every demo user")
        parser.add_argument("--customers", type=int, default=300)

    def handle(self, *args, password, customers, **options):
        with transaction.atomic():
            users = self._org(password)
        if Customer.objects.filter(created_by__username="am1").exists():
            self.stdout.write("Demo customers already loaded; passwords reset.")
        else:
            with transaction.atomic(), emails_suppressed():
                self._customers(users, customers)
                for module in FEATURE_DEMOS:
                    import_module(module).seed(
                        users=users, rng=random.Random(f"{module}-20261123"), stdout=self.stdout
                    )
        self._print_logins(password)

    # --- organisation -------------------------------------------------------------------------

    def _org(self, password):
        company, _ = Department.objects.get_or_create(
            code="company", defaults={"name": "华辰科技股份有限公司"}
        )
        depts = {"company": company}
        for code, name in (("ka", "大客户部"), ("service", "客户服务中心"), ("finance", "财务部")):
            depts[code], _ = Department.objects.get_or_create(
                code=code, defaults={"name": name, "parent": company}
            )
        regions = {}
        for code, name in (("bj", "华北区"), ("sh", "华东区")):
            regions[code], _ = Region.objects.get_or_create(
                code=code, defaults={"name": name, "department": depts["ka"]}
            )
        users = {}
        for username, name, position, dept, region in USERS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "name": name,
                    "email": f"{username}@demo.kamcrm.local",
                    "position": Position.objects.get(code=position),
                    "department": depts[dept],
                    "region": regions.get(region),
                    "is_staff": username == "sysadmin",
                },
            )
            user.set_password(password)
            user.is_active = True
            user.save()
            users[username] = user
        return users

    # --- customers ---------------------------------------------------------------------------

    def _customers(self, users, count):
        rng = random.Random(20261123)  # noqa: S311 — demo data, not security
        industries = {i.code: i for i in Industry.objects.all()}
        regions = {r.code: r for r in Region.objects.all()}
        am = [users["am1"], users["am2"]]
        manager = users["manager"]
        names_used = set()
        made = 0
        attempts = 0
        while made < count and attempts < count * 20:
            attempts += 1
            city, division, region_code = rng.choice(CITIES)
            if rng.random() < 0.15:
                inst, industry = rng.choice(INSTITUTIONS)
                name = f"{city}{rng.choice(WORDS)}{inst}"
            else:
                word, industry, suffix = rng.choice(KINDS)
                name = f"{city}{rng.choice(WORDS)}{rng.choice(WORDS)}{word}{suffix}"
            if name in names_used:
                continue
            names_used.add(name)
            owner = users["am1"] if region_code == "bj" else users["am2"]
            roll = rng.random()
            stage = (
                "active"
                if roll < 0.55
                else "prospect"
                if roll < 0.72
                else "review"
                if roll < 0.76
                else "dormant"
                if roll < 0.86
                else "terminated"
                if roll < 0.91
                else "pool"
            )
            grade = rng.choices([Grade.A, Grade.B, Grade.C, Grade.D], weights=[1, 3, 5, 2])[0]
            data = {
                "name": name,
                "credit_code": credit_code(rng, division)
                if stage != "prospect" or rng.random() < 0.6
                else "",
                "legal_representative": person_name(rng),
                "address": f"{city}市{rng.choice(WORDS)}路{rng.randrange(1, 999)}号",
                "postcode": division[:2] + "00" + f"{rng.randrange(0, 99):02d}",
                "phone": f"0{rng.choice(['10', '21', '571', '25'])}-{rng.randrange(10**7, 10**8)}",
                "business_scope": rng.choice(SCOPES),
                "registered_capital": Decimal(rng.choice([500, 1000, 2000, 5000, 10000, 50000])),
                "industry": industries.get(industry),
                "region": regions[region_code],
                "grade": grade,
                "relationship_class": rng.choice(list(RelationshipClass.values)),
                "credit_rating": rng.choice(["AAA", "AA", "A", "BBB", ""]),
            }
            try:
                customer = services.customer_create(actor=owner, owner=owner, **data)
            except ValidationError:  # a generated name clashed after normalisation
                continue
            made += 1
            self._contacts(rng, customer, owner)
            if stage in ("active", "dormant", "terminated", "pool"):
                request = self._certification(rng, customer, owner)
                while request.status == "pending":
                    step = request.steps.get(sequence=request.current_step)
                    approver = (
                        users["director"] if step.position.code == "sales_director" else manager
                    )
                    request = approval_decide(
                        actor=approver,
                        request_id=request.pk,
                        decision=Decision.APPROVE,
                        comment="同意认定。",
                    )
                if stage == "pool":
                    services.customer_assign(
                        actor=manager,
                        customer=customer,
                        owner=None,
                        reason="客户经理调整，回收至公海",
                    )
                elif stage == "dormant":
                    services.customer_set_dormant(
                        actor=manager, customer=customer, reason="一年以上无订单"
                    )
                elif stage == "terminated":
                    services.customer_terminate(
                        actor=manager, customer=customer, reason="客户经营异常，交易终止"
                    )
                if grade in (Grade.A, Grade.B) and rng.random() < 0.6:
                    other = am[1] if owner == am[0] else am[0]
                    services.team_member_add(
                        actor=manager, customer=customer, user=other, role="co_owner"
                    )
            elif stage == "review":
                self._certification(rng, customer, owner)
        self.stdout.write(f"Created {made} demo customers.")

    def _contacts(self, rng, customer, actor):
        for i in range(rng.choice((1, 2, 2, 3))):
            title, role = rng.choice(TITLES)
            services.contact_create(
                actor=actor,
                customer=customer,
                name=person_name(rng),
                title=title,
                role=role,
                mobile=mobile(rng),
                email=f"contact{customer.pk}_{i}@example.cn",
                birthday=birthday(rng) if rng.random() < 0.7 else None,
                is_primary=(i == 0),
            )

    def _certification(self, rng, customer, owner):
        today = timezone.localdate()
        if not customer.credit_code:
            services.customer_update(
                actor=owner, customer=customer, credit_code=credit_code(rng, "110108")
            )
        for kind in (CustomerSurvey.Kind.CREDIT, CustomerSurvey.Kind.ON_SITE):
            services.survey_record(
                actor=owner,
                customer=customer,
                kind=kind,
                survey_date=today,
                participants="大客户部、财务部",
                findings="经营正常，资信良好，付款记录无异常。",
                conclusion=CustomerSurvey.Conclusion.PASS,
            )
        application = services.certification_create(
            actor=owner,
            customer=customer,
            submit=True,
            reasons="年采购规模大，与我司产品线匹配，具备长期合作潜力。",
            trading_policy="框架协议 + 季度订单，月结60天。",
            goods_and_amounts="服务器及存储设备，约300万元/年",
            expected_annual_amount=Decimal(rng.choice([1200000, 3000000, 8000000, 15000000])),
            survey_summary="信用调查和实地调查均无异常。",
        )
        return request_for(application)

    def _print_logins(self, password):
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {password}):"))
        for username, name, position, _dept, _region in USERS:
            self.stdout.write(
                f"  {username:<12} {name}  {Position.objects.get(code=position).name}"
            )
