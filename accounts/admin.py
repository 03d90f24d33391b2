"""Django admin: the system administrator's configuration screens (DESIGN §1). Positions,
their permissions, data scopes and approval authority, the approval ladders, departments,
regions, users and business settings are data edited here."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import system_settings
from .models import (
    ApprovalAuthority,
    ApprovalChainStep,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
    AuditEvent,
    Department,
    NumberSequence,
    Position,
    Region,
    SystemSetting,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "name", "position", "department", "region", "is_active")
    list_filter = ("is_active", "position", "department", "region", "is_staff")
    search_fields = ("username", "name", "email", "phone")
    ordering = ("username",)
    list_select_related = ("position", "department", "region")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "phone", "language")}),
        (_("Organisation"), {"fields": ("department", "position", "region")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "name",
                    "email",
                    "department",
                    "position",
                    "region",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "path", "is_active")
    search_fields = ("name", "code")
    readonly_fields = ("path",)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "is_active")
    search_fields = ("code", "name")


class ApprovalAuthorityInline(admin.TabularInline):
    model = ApprovalAuthority
    extra = 0


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "data_scope", "is_active")
    list_filter = ("data_scope", "is_active")
    search_fields = ("name", "code")
    filter_horizontal = ("permissions",)
    inlines = [ApprovalAuthorityInline]


@admin.register(ApprovalChainStep)
class ApprovalChainStepAdmin(admin.ModelAdmin):
    list_display = ("document_type", "sequence", "position", "mandatory")
    list_filter = ("document_type",)
    ordering = ("document_type", "sequence")


@admin.register(ApprovalAuthority)
class ApprovalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("position", "document_type", "max_amount")
    list_filter = ("document_type", "position")


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    readonly_fields = (
        "sequence",
        "position",
        "status",
        "activated_at",
        "decided_by",
        "decided_at",
        "comment",
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApprovalEventInline(ApprovalStepInline):
    model = ApprovalEvent
    readonly_fields = ("action", "actor", "comment", "created_at")
    fields = readonly_fields


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(_ReadOnlyAdmin):
    list_display = ("title", "document_type", "status", "submitted_by", "submitted_at")
    list_filter = ("status", "document_type")
    search_fields = ("title",)
    inlines = [ApprovalStepInline, ApprovalEventInline]


@admin.register(AuditEvent)
class AuditEventAdmin(_ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip_address", "path")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address", "path")
    date_hierarchy = "at"


@admin.register(NumberSequence)
class NumberSequenceAdmin(_ReadOnlyAdmin):
    list_display = ("key", "last_value")


class SystemSettingForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("setting"))

    class Meta:
        model = SystemSetting
        fields = ["key", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [
            (key, f"{key} — {definition.description}")
            for key, definition in sorted(system_settings.REGISTRY.items())
        ]

    def clean(self):
        data = super().clean()
        definition = system_settings.REGISTRY.get(data.get("key"))
        if definition is not None and "value" in data:
            try:
                data["value"] = system_settings._jsonable(definition.clean(data["value"]))
            except ValidationError as exc:
                self.add_error("value", exc)
        return data


@admin.register(SystemSetting)
class SystemSettingAdmin(admin.ModelAdmin):
    form = SystemSettingForm
    list_display = ("key", "value", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        system_settings.forget(obj.key)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        system_settings.forget(obj.key)


admin.site.site_header = _("kamcrm administration")
admin.site.site_title = _("kamcrm administration")
