"""One filter set per list, shared by the browser and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Region, User
from accounts.selectors import colleagues

from .models import (
    Contact,
    Customer,
    CustomerStatus,
    CustomerType,
    Grade,
    Industry,
    RelationshipClass,
)
from .normalize import name_key
from .validators import normalize_credit_code


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    grade = django_filters.MultipleChoiceFilter(label=_("grade"), choices=Grade.choices)
    relationship_class = django_filters.MultipleChoiceFilter(
        label=_("relationship class"), choices=RelationshipClass.choices
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("status"), choices=CustomerStatus.choices, method="filter_status"
    )
    customer_type = django_filters.MultipleChoiceFilter(
        label=_("customer type"), choices=CustomerType.choices
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("account manager"), queryset=User.objects.filter(is_active=True)
    )
    region = django_filters.ModelChoiceFilter(label=_("region"), queryset=Region.objects.all())
    industry = django_filters.ModelChoiceFilter(
        label=_("industry"), queryset=Industry.objects.all()
    )
    department = django_filters.ModelChoiceFilter(
        label=_("department"), queryset=Department.objects.all()
    )
    no_owner = django_filters.BooleanFilter(
        label=_("without account manager"), field_name="owner", lookup_expr="isnull"
    )
    ordering = django_filters.OrderingFilter(
        label=_("sort by"),
        fields=(
            ("name", "name"),
            ("code", "code"),
            ("grade", "grade"),
            ("status", "status"),
            ("owner__name", "owner"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": _("name"),
            "code": _("customer code"),
            "grade": _("grade"),
            "status": _("status"),
            "owner__name": _("account manager"),
            "created_at": _("created at"),
            "updated_at": _("updated at"),
        },
    )

    class Meta:
        model = Customer
        fields = [
            "search",
            "grade",
            "relationship_class",
            "status",
            "customer_type",
            "owner",
            "region",
            "industry",
            "department",
            "no_owner",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            # offer (and accept) only colleagues the viewer may see
            self.filters["owner"].queryset = colleagues(user)
            self.form.fields["owner"].queryset = colleagues(user)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(name__icontains=value) | Q(code__iexact=value)
        if len(value) == 18:
            q |= Q(credit_code=normalize_credit_code(value))
        key = name_key(value)
        if key:
            q |= Q(name_key__startswith=key)
        return queryset.filter(q)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value) if value else queryset

    @property
    def qs(self):
        qs = super().qs
        data = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        # the active roster hides terminated customers unless asked for (status or search)
        if not data.get("status") and not data.get("search"):
            qs = qs.exclude(status=CustomerStatus.TERMINATED)
        if not data.get("ordering"):
            qs = qs.order_by("name", "pk")
        return qs


class ContactFilter(django_filters.FilterSet):
    customer = django_filters.ModelChoiceFilter(
        label=_("customer"), queryset=Customer.objects.all()
    )
    role = django_filters.MultipleChoiceFilter(label=_("role"), choices=Contact.Role.choices)
    search = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)

    class Meta:
        model = Contact
        fields = ["customer", "role", "search"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(mobile__contains=value) | Q(email__icontains=value)
        )
