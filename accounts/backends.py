from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class PositionBackend(ModelBackend):
    """Permissions come from the user's position (岗位) — data an administrator edits —
    instead of Django groups. Inactive positions grant nothing."""

    def _get_group_permissions(self, user_obj):
        if not user_obj.position_id:
            return Permission.objects.none()
        return Permission.objects.filter(
            positions__pk=user_obj.position_id, positions__is_active=True
        )
