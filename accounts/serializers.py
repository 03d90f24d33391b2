from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api import StrictFieldsMixin

from .models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    Department,
    Notification,
    Position,
    Region,
    User,
)


class TokenLoginSerializer(StrictFieldsMixin, serializers.Serializer):
    username = serializers.CharField(label=_("user name"), max_length=150)
    password = serializers.CharField(
        label=_("password"), max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(
            request=request._request if hasattr(request, "_request") else request,
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("Unable to log in with these credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class PositionSerializer(serializers.ModelSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = ["id", "code", "name", "description", "data_scope", "is_active", "permissions"]

    def get_permissions(self, obj) -> list[str]:
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in obj.permissions.all())


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "parent", "path", "is_active"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "department", "is_active"]


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "name", "department", "position", "region"]


class MeSerializer(serializers.ModelSerializer):
    position = PositionSerializer(read_only=True)
    department = DepartmentSerializer(read_only=True)
    region = RegionSerializer(read_only=True)
    data_scope = serializers.CharField(read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "email",
            "phone",
            "language",
            "department",
            "position",
            "region",
            "data_scope",
            "permissions",
        ]

    def get_permissions(self, obj) -> list[str]:
        return sorted(obj.get_all_permissions())


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class ApprovalStepSerializer(serializers.ModelSerializer):
    position_name = serializers.CharField(source="position.name", read_only=True)
    decided_by_name = serializers.CharField(
        source="decided_by.__str__", read_only=True, default=None
    )

    class Meta:
        model = ApprovalStep
        fields = [
            "sequence",
            "position",
            "position_name",
            "status",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "comment",
        ]


class ApprovalEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", read_only=True)

    class Meta:
        model = ApprovalEvent
        fields = ["action", "actor", "actor_name", "comment", "created_at"]


class ApprovalRequestSerializer(serializers.ModelSerializer):
    submitted_by_name = serializers.CharField(source="submitted_by.__str__", read_only=True)
    steps = ApprovalStepSerializer(many=True, read_only=True)
    events = ApprovalEventSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "document_type",
            "object_id",
            "title",
            "amount",
            "department",
            "submitted_by",
            "submitted_by_name",
            "status",
            "current_step",
            "version",
            "submitted_at",
            "decided_at",
            "steps",
            "events",
        ]


class ApprovalDecisionSerializer(StrictFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(
        label=_("comment"), max_length=2000, required=False, allow_blank=True, default=""
    )
    version = serializers.IntegerField(
        label=_("version"),
        required=False,
        min_value=1,
        help_text=_("The version you saw; a different current version means a conflict (409)."),
    )


class MarkReadSerializer(StrictFieldsMixin, serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500
    )
