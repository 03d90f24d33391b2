from accounts.services.notifications import unread_count


def navigation(request):
    """Header data for every page: unread notifications and what the menu may show."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def _count():
        if not hasattr(request, "_kam_unread"):
            request._kam_unread = unread_count(user)
        return request._kam_unread

    from accounts.services.approvals import approvals_waiting_for

    def _waiting():
        if not hasattr(request, "_kam_waiting"):
            request._kam_waiting = approvals_waiting_for(user).count()
        return request._kam_waiting

    return {"unread_notifications": _count, "approvals_waiting": _waiting}
