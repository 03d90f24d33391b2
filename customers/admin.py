"""Reference data of the customers app. Customer records themselves are edited in the app,
where data scopes, services and history apply — not in the admin."""

from django.contrib import admin

from .models import Industry


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort_order")
    ordering = ("sort_order", "code")
