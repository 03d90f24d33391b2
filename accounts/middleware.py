import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class SessionTimeoutMiddleware:
    """Ends a browser session after ``SESSION_IDLE_TIMEOUT`` seconds without activity or
    ``SESSION_ABSOLUTE_TIMEOUT`` seconds after login, whichever comes first. The last-seen
    mark is written at most once a minute, so ordinary requests cause no session write.

    Must come after ``MessageMiddleware`` (it leaves a message for the login page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(time.time())
            auth_at = session.get("kam_auth_at")
            seen_at = session.get("kam_seen_at") or auth_at
            if auth_at is None:
                # a session from before this middleware: start counting now
                session["kam_auth_at"] = session["kam_seen_at"] = now
            elif (
                now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - seen_at > settings.SESSION_IDLE_TIMEOUT
            ):
                return self._expire(request)
            elif now - seen_at >= 60:
                session["kam_seen_at"] = now
        return self.get_response(request)

    def _expire(self, request):
        logout(request)  # flushes the session; request.user is anonymous from here on
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)  # the API answers 401 itself
        messages.info(request, _("Your session has expired. Please log in again."))
        if request.headers.get("HX-Request"):
            # an htmx fragment request: navigate the whole page, do not swap a login form in
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        return redirect_to_login(request.get_full_path())


def axes_lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: a locked-out login (the (user name, address) pair failed
    ``AXES_FAILURE_LIMIT`` times) answers 429 — in the API's error shape under ``/api/``,
    with the lockout page in the browser."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith(API_PREFIX):
        if original_response is not None and original_response.status_code == status:
            return original_response  # the view already answered in the error shape
        from config.api import error_body

        message = _("Too many failed logins for this account from your address. Try again later.")
        return JsonResponse(error_body(status, "locked_out", message), status=status)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=status)
