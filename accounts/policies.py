"""Who may see and do what. Views, the API and services ask here; nothing else decides."""

from __future__ import annotations

from django.http import Http404

from .scopes import visibility_q


def can_view(user, obj) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if getattr(obj, "_visible_for", None) == user.pk:  # fetched through the user's scope
        return True
    model = type(obj)
    visible = model._default_manager.filter(visibility_q(model, user), pk=obj.pk).exists()
    if visible:
        mark_visible(obj, user)
    return visible


def mark_visible(obj, user):
    """Remember that ``obj`` was read through ``user``'s scope (saves repeated checks)."""
    obj._visible_for = user.pk
    return obj


def has_perm(user, perm: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(perm))


def can_edit(user, obj, perm: str) -> bool:
    """Edit = the permission from the user's position + the record inside their scope."""
    return has_perm(user, perm) and can_view(user, obj)


def get_visible_or_404(queryset, user, *, request=None, **lookup):
    """Fetch one record through the user's scope. Outside scope it is *not found* (404),
    never a 403 that would confirm it exists; the refusal is logged."""
    model = queryset.model
    try:
        return mark_visible(queryset.filter(visibility_q(model, user)).get(**lookup), user)
    except model.DoesNotExist:
        if request is not None and model._default_manager.filter(**lookup).exists():
            from .services.audit import audit_refused_access

            audit_refused_access(
                request=request, reason="out_of_scope", target=model, lookup=lookup
            )
        raise Http404
