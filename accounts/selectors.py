"""Reads of organisation data."""

from django.db.models import QuerySet

from .models import DataScope, User


def colleagues(user) -> QuerySet[User]:
    """The active users ``user`` may see and pick (as account manager, co-owner, filter):
    everybody for company-wide positions, their department tree otherwise, only themselves
    without a department. The staff directory follows the same scopes as customer data."""
    qs = User.objects.filter(is_active=True).select_related("position", "department")
    if not user.is_authenticated:
        return qs.none()
    if user.data_scope == DataScope.ALL:
        return qs
    if user.department_id:
        return qs.filter(department__path__startswith=user.department.path)
    return qs.filter(pk=user.pk)
