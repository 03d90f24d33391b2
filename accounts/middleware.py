import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _


class SessionTimeoutMiddleware:
    """Ends a browser session after ``SESSION_IDLE_TIMEOUT`` seconds without activity or
    ``SESSION_ABSOLUTE_TIMEOUT`` seconds after login, whichever comes first. The last-seen
    mark is written at most once a minute, so ordinary requests cause no session write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(time.time())
            auth_at = session.get("kam_auth_at")
            seen_at = session.get("kam_seen_at", auth_at)
            if auth_at is None:
                session["kam_auth_at"] = session["kam_seen_at"] = now
            elif (
                now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - (seen_at or auth_at) > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect_to_login(request.get_full_path())
            elif now - (seen_at or 0) >= 60:
                session["kam_seen_at"] = now
        return self.get_response(request)
