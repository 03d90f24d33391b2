from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.serializers import ApprovalRequestSerializer
from accounts.services.approvals import request_for
from config.api import PositionPermissions, ScopedViewSetMixin
from config.exports import export_response

from . import policies, selectors, services
from .exports import CUSTOMER_COLUMNS, audit_export
from .filters import ContactFilter, CustomerFilter
from .models import CertificationApplication, Contact, Customer, CustomerSurvey, CustomerTeamMember
from .serializers import (
    AssignSerializer,
    CertificationInputSerializer,
    CertificationSerializer,
    ContactInputSerializer,
    ContactSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
    HistoryEntrySerializer,
    ReasonSerializer,
    SurveySerializer,
    TeamMemberSerializer,
)


def _visible_customer(request, customer):
    """A customer named in the request body must be inside the caller's scope."""
    from django.http import Http404

    from accounts.policies import can_view

    if customer is None or not can_view(request.user, customer):
        raise Http404
    return customer


class CustomerViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Customer archives (客户档案), through the caller's data scope."""

    permission_classes = [PositionPermissions]
    filterset_class = CustomerFilter
    serializer_class = CustomerSerializer

    def base_queryset(self):
        return Customer.objects.with_list_relations().prefetch_related("team_members")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CustomerInputSerializer
        return CustomerSerializer

    def _out(self, customer, code=status.HTTP_200_OK):
        fresh = self.base_queryset().get(pk=customer.pk)
        return Response(CustomerSerializer(fresh).data, status=code)

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CustomerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        owner = data.pop("owner", None)
        if "owner" not in serializer.validated_data and request.user.data_scope == "own":
            owner = request.user  # a rep's new customer is theirs
        customer = services.customer_create(actor=request.user, owner=owner, **data)
        return self._out(customer, status.HTTP_201_CREATED)

    @extend_schema(request=CustomerInputSerializer, responses=CustomerSerializer)
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        customer = self.get_object()
        serializer = CustomerInputSerializer(customer, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        owner = data.pop("owner", customer.owner)
        with transaction.atomic():  # a new owner and archive changes: all or nothing
            if owner != customer.owner:
                if not policies.can_assign_customer(request.user, customer):
                    # like ``status`` or ``code``: a field this caller cannot set (400, not 403)
                    raise DjangoValidationError(
                        {"owner": _("You may not assign customers to other people.")}
                    )
                services.customer_assign(actor=request.user, customer=customer, owner=owner)
            if data:
                customer = services.customer_update(actor=request.user, customer=customer, **data)
        return self._out(customer)

    def destroy(self, request, *args, **kwargs):
        services.customer_delete(actor=request.user, customer=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AssignSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Give the customer to another account manager (or to nobody: the pool)."""
        customer = self.get_object()
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_assign(
            actor=request.user,
            customer=customer,
            owner=serializer.validated_data["owner"],
            reason=serializer.validated_data["reason"],
        )
        return self._out(customer)

    @extend_schema(request=ReasonSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], url_path="set-dormant")
    def set_dormant(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_set_dormant(
            actor=request.user,
            customer=self.get_object(),
            reason=serializer.validated_data["reason"],
        )
        return self._out(customer)

    @extend_schema(request=ReasonSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_reactivate(
            actor=request.user,
            customer=self.get_object(),
            reason=serializer.validated_data["reason"],
        )
        return self._out(customer)

    @extend_schema(request=ReasonSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """交易终止/解除: keep and mark the archive; it leaves the active roster."""
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_terminate(
            actor=request.user,
            customer=self.get_object(),
            reason=serializer.validated_data["reason"],
        )
        return self._out(customer)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every change to the archive, its contacts and its team, newest first."""
        customer = self.get_object()
        entries = selectors.customer_history(customer=customer)
        data = [
            {
                "at": e.at,
                "user": str(e.user) if e.user else None,
                "kind": e.kind,
                "what": e.what,
                "changes": [list(c) for c in e.changes],
                "reason": e.reason,
            }
            for e in entries
        ]
        return Response(HistoryEntrySerializer(data, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("file", enum=["csv", "xlsx"], description="file format")],
        responses={(200, "text/csv"): bytes},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered list as CSV or Excel, within the caller's scope."""
        if not policies.can_export_customers(request.user):
            raise PermissionDenied(_("You may not export customer lists."))
        queryset = self.filter_queryset(self.get_queryset())
        fmt = request.query_params.get("file", "xlsx")
        response = export_response(
            queryset=queryset, columns=CUSTOMER_COLUMNS, basename="customers", fmt=fmt
        )
        audit_export(request=request, what="customers", count=queryset.count(), fmt=fmt)
        return response


class ContactViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    permission_classes = [PositionPermissions]
    filterset_class = ContactFilter
    serializer_class = ContactSerializer

    def base_queryset(self):
        return Contact.objects.select_related("customer")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ContactInputSerializer
        return ContactSerializer

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = _visible_customer(request, data.pop("customer"))
        contact = services.contact_create(actor=request.user, customer=customer, **data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ContactInputSerializer, responses=ContactSerializer)
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        contact = self.get_object()
        serializer = ContactInputSerializer(contact, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = data.pop("customer", contact.customer)
        if customer.pk != contact.customer_id:
            from django.core.exceptions import ValidationError

            raise ValidationError({"customer": _("A contact cannot move to another customer.")})
        contact = services.contact_update(actor=request.user, contact=contact, **data)
        return Response(ContactSerializer(contact).data)

    def destroy(self, request, *args, **kwargs):
        services.contact_delete(actor=request.user, contact=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamMemberViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Our staff team of a customer besides the account manager."""

    serializer_class = TeamMemberSerializer
    filterset_fields = ["customer", "user"]

    def base_queryset(self):
        return CustomerTeamMember.objects.select_related("user", "customer")

    def get_queryset(self):
        visible = Customer.objects.visible_to(self.request.user).values("pk")
        return self.base_queryset().filter(customer__in=visible)

    def get_object(self):
        from django.shortcuts import get_object_or_404

        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return obj

    def create(self, request, *args, **kwargs):
        serializer = TeamMemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        customer = _visible_customer(request, data["customer"])
        member = services.team_member_add(
            actor=request.user,
            customer=customer,
            user=data["user"],
            role=data.get("role", "co_owner"),
        )
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.team_member_remove(actor=request.user, member=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SurveyViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Credit, general and on-site surveys of prospects."""

    permission_classes = [PositionPermissions]
    serializer_class = SurveySerializer
    filterset_fields = ["customer", "kind"]

    def base_queryset(self):
        return CustomerSurvey.objects.select_related("customer")

    def create(self, request, *args, **kwargs):
        serializer = SurveySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = _visible_customer(request, data.pop("customer"))
        survey = services.survey_record(actor=request.user, customer=customer, **data)
        return Response(SurveySerializer(survey).data, status=status.HTTP_201_CREATED)


class CertificationViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Certification applications (客户认定申请表); ``submit`` sends one for approval."""

    permission_classes = [PositionPermissions]
    serializer_class = CertificationSerializer
    filterset_fields = ["customer", "approval_status"]

    def base_queryset(self):
        return CertificationApplication.objects.select_related("customer")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CertificationInputSerializer
        return CertificationSerializer

    @extend_schema(request=CertificationInputSerializer, responses={201: CertificationSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CertificationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customer = _visible_customer(request, data.pop("customer"))
        application = services.certification_create(actor=request.user, customer=customer, **data)
        return Response(CertificationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CertificationInputSerializer, responses=CertificationSerializer)
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        application = self.get_object()
        serializer = CertificationInputSerializer(application, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        application = services.certification_update(
            actor=request.user, application=application, **data
        )
        return Response(CertificationSerializer(application).data)

    @extend_schema(request=None, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the application to the approval chain."""
        application = self.get_object()
        approval = services.certification_submit(actor=request.user, application=application)
        return Response(ApprovalRequestSerializer(approval).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["get"])
    def approval(self, request, pk=None):
        """The application's latest approval request, with steps and history."""
        approval = request_for(self.get_object())
        if approval is None:
            from django.http import Http404

            raise Http404
        return Response(ApprovalRequestSerializer(approval).data)
