from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from knox import views as knox_views
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api import ScopedViewSetMixin

from .authentication import ExpiringTokenAuthentication
from .models import ApprovalRequest, AuditEvent, Department, Notification, Position, Region, User
from .selectors import colleagues
from .serializers import (
    ApprovalDecisionSerializer,
    ApprovalRequestSerializer,
    DepartmentSerializer,
    MarkReadSerializer,
    MeSerializer,
    NotificationSerializer,
    PositionSerializer,
    RegionSerializer,
    TokenLoginSerializer,
    UserSummarySerializer,
)
from .services.approvals import (
    Decision,
    approval_decide,
    approval_withdraw,
    approvals_waiting_for,
)
from .services.audit import audit_record
from .services.notifications import notification_mark_read


class TokenLoginView(APIView):
    """Exchange user name and password for an expiring API token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token_login"

    @extend_schema(
        request=TokenLoginSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
        ),
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenLoginSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request._request, "axes_locked_out", False):
                return Response(
                    {
                        "error": {
                            "status": 429,
                            "code": "locked_out",
                            "message": str(
                                _(
                                    "Too many failed logins for this account from your address. "
                                    "Try again later."
                                )
                            ),
                        }
                    },
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        instance, token = get_token_model().objects.create(
            user=user, expiry=knox_settings.TOKEN_TTL
        )
        audit_record(kind=AuditEvent.Kind.TOKEN, request=request, actor=user)
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(knox_views.LogoutView):
    """Revoke the token used for this request."""

    authentication_classes = [ExpiringTokenAuthentication]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAllView(knox_views.LogoutAllView):
    """Revoke every token of the caller."""

    authentication_classes = [ExpiringTokenAuthentication]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)


class MeView(APIView):
    @extend_schema(responses=MeSerializer, tags=["users"])
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Colleagues the caller may pick (as owner, co-owner): their department tree, or
    everybody for company-wide positions."""

    serializer_class = UserSummarySerializer
    filterset_fields = ["department", "position", "region"]
    queryset = User.objects.none()  # for the schema; get_queryset() scopes

    def get_queryset(self):
        return colleagues(self.request.user).order_by("username")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.filter(is_active=True)
    serializer_class = DepartmentSerializer


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.filter(is_active=True)
    serializer_class = RegionSerializer


class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Position.objects.filter(is_active=True).prefetch_related("permissions__content_type")
    serializer_class = PositionSerializer


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    filterset_fields = {"read_at": ["isnull"], "kind": ["exact"]}
    queryset = Notification.objects.none()  # for the schema; get_queryset() scopes

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    @extend_schema(
        request=MarkReadSerializer,
        responses=inline_serializer("MarkReadResponse", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        """Mark the given notifications (or all unread ones) as read."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = notification_mark_read(
            actor=request.user, notification_ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": count})


class ApprovalViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Approval requests. The list is "waiting for me" unless ``box`` says otherwise."""

    serializer_class = ApprovalRequestSerializer

    def base_queryset(self):
        return ApprovalRequest.objects.select_related(
            "submitted_by", "department"
        ).prefetch_related("steps__position", "steps__decided_by", "events__actor")

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        box = self.request.query_params.get("box", "waiting")
        user = self.request.user
        if box == "submitted":
            return self.base_queryset().filter(submitted_by=user)
        if box == "all":
            return super().get_queryset()
        return approvals_waiting_for(user).prefetch_related(
            "steps__position", "steps__decided_by", "events__actor"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "box",
                enum=["waiting", "submitted", "all"],
                description="waiting (default): waiting for me; submitted: mine; all: visible",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _decide(self, request, decision):
        approval = self.get_object()
        serializer = ApprovalDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = approval_decide(
            actor=request.user,
            request_id=approval.pk,
            decision=decision,
            comment=serializer.validated_data.get("comment", ""),
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(ApprovalRequestSerializer(self.base_queryset().get(pk=result.pk)).data)

    @extend_schema(request=ApprovalDecisionSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, Decision.APPROVE)

    @extend_schema(request=ApprovalDecisionSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a comment (required); the document returns to its author."""
        return self._decide(request, Decision.REJECT)

    @extend_schema(request=ApprovalDecisionSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        approval = self.get_object()
        serializer = ApprovalDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = approval_withdraw(
            actor=request.user,
            request_id=approval.pk,
            comment=serializer.validated_data.get("comment", ""),
        )
        return Response(ApprovalRequestSerializer(self.base_queryset().get(pk=result.pk)).data)
