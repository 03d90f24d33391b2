from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from config.api import StrictFieldsMixin

from .models import (
    CertificationApplication,
    Contact,
    Customer,
    CustomerSurvey,
    CustomerTeamMember,
)


class CustomerSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.__str__", read_only=True, default=None)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None)
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None)
    co_owners = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "credit_code",
            "legal_representative",
            "address",
            "postcode",
            "phone",
            "fax",
            "business_scope",
            "registered_capital",
            "industry",
            "industry_name",
            "region",
            "region_name",
            "department",
            "customer_type",
            "grade",
            "relationship_class",
            "credit_rating",
            "status",
            "status_reason",
            "owner",
            "owner_name",
            "co_owners",
            "certified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_co_owners(self, obj) -> list[int]:
        return [m.user_id for m in obj.team_members.all()]


class CustomerInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """What a client may write. ``owner`` is checked by the service (only users who may
    assign customers can name somebody else); ``code``/``status`` are never writable."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        label=_("account manager"),
    )

    class Meta:
        model = Customer
        fields = [
            "name",
            "credit_code",
            "legal_representative",
            "address",
            "postcode",
            "phone",
            "fax",
            "business_scope",
            "registered_capital",
            "industry",
            "region",
            "customer_type",
            "grade",
            "relationship_class",
            "credit_rating",
            "owner",
        ]
        # uniqueness and the credit-code check are the service's (one path, clear messages)
        extra_kwargs = {"credit_code": {"validators": []}}
        validators: list = []


class AssignSerializer(StrictFieldsMixin, serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, label=_("account manager")
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReasonSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        label=_("reason"), max_length=300, required=False, allow_blank=True, default=""
    )


class TeamMemberSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = CustomerTeamMember
        fields = ["id", "customer", "user", "user_name", "role", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators: list = []


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "name",
            "title",
            "role",
            "phone",
            "mobile",
            "email",
            "wechat",
            "birthday",
            "is_primary",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContactInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "customer",
            "name",
            "title",
            "role",
            "phone",
            "mobile",
            "email",
            "wechat",
            "birthday",
            "is_primary",
            "notes",
        ]
        validators: list = []  # one primary contact: the service moves the flag


class SurveySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = CustomerSurvey
        fields = [
            "id",
            "customer",
            "kind",
            "survey_date",
            "participants",
            "findings",
            "conclusion",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "created_by", "created_at"]


class CertificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificationApplication
        fields = [
            "id",
            "customer",
            "reasons",
            "trading_policy",
            "goods_and_amounts",
            "expected_annual_amount",
            "survey_summary",
            "approval_status",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CertificationInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = CertificationApplication
        fields = [
            "customer",
            "reasons",
            "trading_policy",
            "goods_and_amounts",
            "expected_annual_amount",
            "survey_summary",
        ]


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    what = serializers.CharField()
    changes = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    reason = serializers.CharField(allow_blank=True)
