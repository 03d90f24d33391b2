"""Customer archives (客户档案), their contacts, staff team, surveys and certification."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Department, Region
from accounts.models.approvable import Approvable
from accounts.scopes import ScopedQuerySet, ScopeSpec
from config.models import TimeStampedModel

from ..validators import validate_credit_code, validate_phone, validate_postcode


class Industry(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class CustomerType(models.TextChoices):
    END_CUSTOMER = "end_customer", _("End customer")
    DISTRIBUTOR = "distributor", _("Distributor")
    SUPPLIER = "supplier", _("Supplier")
    AGENT = "agent", _("Agent")
    BANK = "bank", _("Special: bank")
    LEGAL = "legal", _("Special: legal")
    ADVISORY = "advisory", _("Special: advisory")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    A = "A", _("A – strategic key account")
    B = "B", _("B – key account")
    C = "C", _("C – ordinary account")
    D = "D", _("D – small account")


class RelationshipClass(models.TextChoices):
    PARTNER = "partner", _("Partner")
    COOPERATIVE = "cooperative", _("Cooperative")
    GENERAL = "general", _("General")
    POTENTIAL_COMPETITOR = "potential_competitor", _("Potential competitor")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    C = "C", "C"


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    UNDER_REVIEW = "under_review", _("Certification under review")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    TERMINATED = "terminated", _("Terminated")


#: The lifecycle. Each arrow is one service in customers.services.
CUSTOMER_TRANSITIONS: dict[str, set[str]] = {
    CustomerStatus.PROSPECT: {CustomerStatus.UNDER_REVIEW, CustomerStatus.TERMINATED},
    CustomerStatus.UNDER_REVIEW: {CustomerStatus.PROSPECT, CustomerStatus.ACTIVE},
    CustomerStatus.ACTIVE: {CustomerStatus.DORMANT, CustomerStatus.TERMINATED},
    CustomerStatus.DORMANT: {CustomerStatus.ACTIVE, CustomerStatus.TERMINATED},
    CustomerStatus.TERMINATED: set(),
}

#: statuses shown on the active roster (terminated customers are kept but hidden there)
ROSTER_STATUSES = (
    CustomerStatus.PROSPECT,
    CustomerStatus.UNDER_REVIEW,
    CustomerStatus.ACTIVE,
    CustomerStatus.DORMANT,
)


class CustomerQuerySet(ScopedQuerySet):
    def on_roster(self):
        return self.exclude(status=CustomerStatus.TERMINATED)

    def with_list_relations(self):
        return self.select_related("owner", "region", "industry", "department")


class Customer(TimeStampedModel):
    data_scope_spec = ScopeSpec(customer="", department="department", creator="created_by")

    code = models.CharField(
        _("customer code"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[validate_postcode]
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    fax = models.CharField(_("fax"), max_length=30, blank=True, validators=[validate_phone])
    business_scope = models.TextField(_("business scope"), blank=True, max_length=4000)
    registered_capital = models.DecimalField(
        _("registered capital (10k CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    customer_type = models.CharField(
        _("customer type"),
        max_length=20,
        choices=CustomerType.choices,
        default=CustomerType.END_CUSTOMER,
        db_index=True,
    )
    grade = models.CharField(
        _("grade"), max_length=1, choices=Grade.choices, default=Grade.C, db_index=True
    )
    relationship_class = models.CharField(
        _("relationship class"),
        max_length=24,
        choices=RelationshipClass.choices,
        default=RelationshipClass.GENERAL,
        db_index=True,
    )
    credit_rating = models.CharField(
        _("credit rating"), max_length=3, choices=CreditRating.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CustomerStatus.choices,
        default=CustomerStatus.PROSPECT,
        db_index=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_customers",
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-owners"),
        through="CustomerTeamMember",
        related_name="co_owned_customers",
        blank=True,
    )
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(
        _("last follow-up"),
        null=True,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("Latest visit, contract or payment (customers.services.record_activity)."),
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_reason = models.CharField(_("reason of last status change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["name_key", "updated_at", "last_activity_at"])
    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        permissions = [
            ("assign_customer", _("Can assign customers to account managers")),
            ("export_customer", _("Can export customer lists")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="customer_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                name="customer_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(status__in=["active", "dormant", "terminated"]),
                name="customer_code_only_when_certified",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["credit_code"]),
        ]

    def __str__(self):
        return self.name

    def can_transition_to(self, status: str) -> bool:
        return status in CUSTOMER_TRANSITIONS.get(self.status, set())


class CustomerTeamMember(models.Model):
    """A member of our staff team for a customer besides the owner (co-owner, service, ...).
    Seed 002 第十条: a key account (grade A/B) needs at least two of our staff."""

    class Role(models.TextChoices):
        CO_OWNER = "co_owner", _("Co-owner")
        SERVICE = "service", _("Service")
        TECHNICAL = "technical", _("Technical support")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="customer_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CO_OWNER)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer team member")
        verbose_name_plural = _("customer team")
        constraints = [
            models.UniqueConstraint(fields=["customer", "user"], name="customer_team_unique"),
        ]
        indexes = [models.Index(fields=["user", "customer"])]

    def __str__(self):
        return f"{self.customer} / {self.user}"


class ContactQuerySet(ScopedQuerySet):
    pass


class Contact(TimeStampedModel):
    data_scope_spec = ScopeSpec()

    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        PURCHASER = "purchaser", _("Purchaser")
        FINANCE = "finance", _("Finance")
        TECHNICAL = "technical", _("Technical")
        USER = "user", _("User")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    mobile = models.CharField(_("mobile"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_customer",
            ),
        ]

    def __str__(self):
        return self.name


class CustomerSurvey(TimeStampedModel):
    """Credit survey (客户信用调查表), general survey and on-site survey (实地调查)."""

    data_scope_spec = ScopeSpec()

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit survey")
        GENERAL = "general", _("General survey")
        ON_SITE = "on_site", _("On-site survey")

    class Conclusion(models.TextChoices):
        PASS = "pass", _("No concerns")
        CONCERN = "concern", _("Concerns noted")
        FAIL = "fail", _("Failed")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="surveys"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    survey_date = models.DateField(_("survey date"))
    participants = models.CharField(
        _("participants / departments taking part"), max_length=255, blank=True
    )
    findings = models.TextField(_("findings"), max_length=4000)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer survey")
        verbose_name_plural = _("customer surveys")
        ordering = ["-survey_date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.survey_date}"


class CertificationApplication(Approvable, TimeStampedModel):
    """客户认定申请表: the application that turns a prospect into a certified customer."""

    approval_document_type = "customers.certification"
    data_scope_spec = ScopeSpec()

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    reasons = models.TextField(_("reasons for certification"), max_length=4000)
    trading_policy = models.TextField(_("basic trading policy"), max_length=4000)
    goods_and_amounts = models.TextField(_("goods and amounts"), max_length=4000)
    expected_annual_amount = models.DecimalField(
        _("expected annual sales (CNY)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    survey_summary = models.TextField(_("survey results"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_annual_amount__gte=0),
                name="certification_amount_not_negative",
            ),
        ]

    def __str__(self):
        return _("Certification of %(customer)s") % {"customer": self.customer}
