"""Business settings (DESIGN: "N is a setting"), one mechanism for every app.

Each setting is declared once in code, next to the rule that uses it, with its default, a
description and a validator::

    RECYCLE_DAYS = define(
        "customers.pool.recycle_days",
        default={"B": 90, "C": 60, "D": 30},
        description=_("Days without follow-up before a customer returns to the pool, per grade."),
        schema=per_grade(int_at_least(1)),
    )
    RECYCLE_DAYS.value()        # the administrator's value, or the default

Administrators change values in the admin (``SystemSetting``); a value that fails its
validator is refused with a message naming the setting. Reads are cached and the cache is
cleared when a value is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CACHE_PREFIX = "kamcrm:setting:"
_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    description: Any
    schema: Callable[[Any], Any] = field(default=lambda v: v, compare=False)

    def value(self):
        cached = cache.get(_CACHE_PREFIX + self.key, _MISSING)
        if cached is not _MISSING:
            return cached
        from accounts.models import SystemSetting

        row = SystemSetting.objects.filter(key=self.key).values_list("value", flat=True).first()
        value = self.default if row is None else self.clean(row)
        cache.set(_CACHE_PREFIX + self.key, value, _CACHE_SECONDS)
        return value

    def clean(self, raw):
        try:
            return self.schema(raw)
        except (TypeError, ValueError, KeyError, InvalidOperation) as exc:
            raise ValidationError(
                _("Invalid value for %(key)s: %(error)s") % {"key": self.key, "error": exc}
            )


_MISSING = object()
REGISTRY: dict[str, Setting] = {}


def define(key: str, *, default, description, schema=None) -> Setting:
    if key in REGISTRY:
        return REGISTRY[key]
    setting = Setting(
        key=key, default=default, description=description, schema=schema or (lambda v: v)
    )
    setting.clean(default)  # a default that fails its own validator is a programming error
    REGISTRY[key] = setting
    return setting


def forget(key: str) -> None:
    cache.delete(_CACHE_PREFIX + key)


def set_value(*, key: str, value, actor=None):
    """Store an administrator's value (validated). Used by the admin and by tests."""
    from accounts.models import SystemSetting

    setting = REGISTRY.get(key)
    if setting is None:
        raise ValidationError({"key": _("Unknown setting %(key)s.") % {"key": key}})
    cleaned = setting.clean(value)
    SystemSetting.objects.update_or_create(
        key=key, defaults={"value": _jsonable(cleaned), "updated_by": actor}
    )
    forget(key)
    return cleaned


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --- validators to compose ----------------------------------------------------------------------

GRADES = ("A", "B", "C", "D")


def int_at_least(minimum: int):
    def check(value):
        if isinstance(value, bool) or int(value) != value and not isinstance(value, str):
            raise ValueError(_("a whole number is expected"))
        number = int(value)
        if number < minimum:
            raise ValueError(_("must be at least %(min)s") % {"min": minimum})
        return number

    return check


def decimal_at_least(minimum: Decimal | int):
    def check(value):
        number = Decimal(str(value))
        if number < Decimal(minimum):
            raise ValueError(_("must be at least %(min)s") % {"min": minimum})
        return number

    return check


def optional(inner):
    def check(value):
        return None if value is None else inner(value)

    return check


def per_grade(inner, grades=GRADES):
    """A dict with one value per customer grade (missing grades: not applicable → None)."""

    def check(value):
        if not isinstance(value, dict):
            raise ValueError(_("a mapping of grade to value is expected"))
        unknown = set(value) - set(grades)
        if unknown:
            raise ValueError(_("unknown grades: %(g)s") % {"g": ", ".join(sorted(unknown))})
        return {g: (None if value.get(g) is None else inner(value[g])) for g in grades}

    return check


def list_of(inner):
    def check(value):
        if not isinstance(value, list | tuple):
            raise ValueError(_("a list is expected"))
        return [inner(v) for v in value]

    return check
