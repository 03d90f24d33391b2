"""API conventions shared by every app: pagination and the one error body.

Every error answers with::

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}

``fields`` is present for validation errors only; ``message`` is translated.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.exceptions import ApplicationError

security_log = logging.getLogger("kamcrm.security")


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _flatten(detail):
    if isinstance(detail, dict):
        return {str(k): _flatten_list(v) for k, v in detail.items()}
    return {"non_field_errors": _flatten_list(detail)}


def _flatten_list(value):
    if isinstance(value, dict):
        # nested serializer errors: keep the first level readable
        return [f"{k}: {'; '.join(_flatten_list(v))}" for k, v in value.items()]
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            out.extend(_flatten_list(item))
        return out
    return [force_str(value)]


def django_validation_error_to_dict(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        fields = {}
        for field, errors in exc.message_dict.items():
            key = "non_field_errors" if field == "__all__" else field
            fields[key] = [force_str(e) for e in errors]
        return fields
    return {"non_field_errors": [force_str(m) for m in exc.messages]}


def error_body(status_code: int, code: str, message, fields: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "message": force_str(message)}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, DjangoValidationError):
        fields = django_validation_error_to_dict(exc)
        message = _first_message(fields)
        return Response(error_body(400, "invalid", message, fields), status=400)
    if isinstance(exc, ApplicationError):
        body = error_body(exc.status_code, exc.code, exc.message)
        body["error"].update(exc.extra)
        if exc.status_code == 404:
            _log_refused(request, "not_visible")
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body(400, "invalid", _first_message(fields), fields)
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc.detail, dict | list):
        message = "; ".join(_flatten_list(exc.detail))
    else:
        message = force_str(exc.detail)
        code = getattr(exc.detail, "code", code) or code
    if response.status_code == status.HTTP_403_FORBIDDEN:
        _log_refused(request, "forbidden")
    response.data = error_body(response.status_code, code, message)
    return response


def _first_message(fields: dict) -> str:
    if "non_field_errors" in fields and fields["non_field_errors"]:
        return fields["non_field_errors"][0]
    for field, msgs in fields.items():
        if msgs:
            return _("%(field)s: %(message)s") % {"field": field, "message": msgs[0]}
    return _("Invalid input.")


def _log_refused(request, reason):
    if request is None:
        return
    from accounts.services.audit import audit_refused_access

    audit_refused_access(request=request, reason=reason)


# --- viewset and serializer conventions ----------------------------------------------------------

from django.core.exceptions import ValidationError as _DjangoVE  # noqa: E402
from rest_framework import permissions, serializers  # noqa: E402


class PositionPermissions(permissions.DjangoModelPermissions):
    """Model permissions from the user's position, including ``view`` for reads."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }

    STANDARD_ACTIONS = frozenset(
        {"list", "retrieve", "create", "update", "partial_update", "destroy", "metadata", None}
    )

    def has_permission(self, request, view):
        if getattr(view, "action", None) not in self.STANDARD_ACTIONS and request.user:
            # extra actions (assign, terminate, submit, ...) need read access here; the
            # service they call checks the action's own permission
            queryset = self._queryset(view)
            perm = f"{queryset.model._meta.app_label}.view_{queryset.model._meta.model_name}"
            if request.user.is_authenticated and request.user.has_perm(perm):
                return True
        elif super().has_permission(request, view):
            return True
        # Without the permission, a record outside the caller's scope is still *not found*
        # (404, logged): a 403 for it and a 404 for a missing id would tell them apart.
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        if (
            request.user
            and request.user.is_authenticated
            and lookup in getattr(view, "kwargs", {})
            and hasattr(view, "get_object")
        ):
            view.get_object()
        return False


class StrictFieldsMixin:
    """Refuse unknown and read-only fields instead of ignoring them silently, so that a
    client trying to set ``owner``, ``status`` or ``code`` learns it cannot."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            extra = sorted(set(data) - writable)
            if extra:
                raise serializers.ValidationError(
                    {name: [_("This field is unknown or cannot be set.")] for name in extra}
                )
        return super().to_internal_value(data)


class ScopedViewSetMixin:
    """List through the viewer's scope; fetch one record through it too (404 outside it,
    logged as a refused access). Subclasses define ``base_queryset()``."""

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def get_object(self):
        from accounts.policies import get_visible_or_404

        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs[lookup_url_kwarg]
        try:
            obj = get_visible_or_404(
                self.base_queryset(),
                self.request.user,
                request=self.request,
                **{self.lookup_field: value},
            )
        except (ValueError, TypeError, _DjangoVE):
            raise Http404
        self.check_object_permissions(self.request, obj)
        return obj
