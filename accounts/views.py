from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts.policies import get_visible_or_404
from config.exceptions import ApplicationError

from .forms import DecisionForm, KamPasswordChangeForm, LoginForm
from .models import ApprovalRequest, Notification
from .services.approvals import (
    Decision,
    approval_decide,
    approval_withdraw,
    approvals_waiting_for,
    can_decide,
)
from .services.notifications import notification_mark_read


def _set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return _set_language_cookie(response, form.get_user().language)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = KamPasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password was changed. API tokens issued before now no longer work."),
        )
        return response


@require_POST
def set_language(request):
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
        _set_language_cookie(response, language)
    return response


class HomeView(TemplateView):
    template_name = "accounts/home.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from customers.models import Customer

        user = self.request.user
        ctx = super().get_context_data(**kwargs)
        ctx["waiting"] = list(approvals_waiting_for(user)[:8])
        ctx["my_submissions"] = list(
            ApprovalRequest.objects.filter(submitted_by=user, status="pending")
            .select_related("department")
            .order_by("-submitted_at")[:5]
        )
        ctx["recent_notifications"] = list(Notification.objects.for_user(user)[:6])
        if user.has_perm("customers.view_customer"):
            visible = Customer.objects.visible_to(user)
            by_status = dict(visible.values_list("status").annotate(n=Count("pk")).order_by())
            ctx["customer_counts"] = by_status
            ctx["customer_total"] = sum(
                n for status, n in by_status.items() if status != "terminated"
            )
            ctx["mine"] = Customer.objects.owned_by(user).on_roster().count()
        return ctx


@login_required
def notification_list(request):
    from django.core.paginator import Paginator

    qs = Notification.objects.for_user(request.user)
    if request.GET.get("unread"):
        qs = qs.unread()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request):
    ids = request.POST.getlist("id")
    try:
        ids = [int(i) for i in ids] or None
    except ValueError:
        ids = None
    notification_mark_read(actor=request.user, notification_ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:notifications")


@login_required
def approval_list(request):
    waiting = approvals_waiting_for(request.user)
    mine = (
        ApprovalRequest.objects.filter(submitted_by=request.user)
        .select_related("department")
        .order_by("-submitted_at")[:30]
    )
    return render(request, "accounts/approvals.html", {"waiting": waiting, "mine": mine})


@login_required
def approval_detail(request, pk):
    approval = get_visible_or_404(
        ApprovalRequest.objects.select_related("submitted_by", "department"),
        request.user,
        request=request,
        pk=pk,
    )
    steps = list(approval.steps.select_related("position", "decided_by"))
    events = list(approval.events.select_related("actor"))
    form = DecisionForm(initial={"version": approval.version})
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            action = request.POST.get("decision")
            try:
                if action == "withdraw":
                    approval_withdraw(
                        actor=request.user,
                        request_id=approval.pk,
                        comment=form.cleaned_data["comment"],
                    )
                    messages.success(request, _("The submission was withdrawn."))
                else:
                    approval_decide(
                        actor=request.user,
                        request_id=approval.pk,
                        decision=Decision.APPROVE if action == "approve" else Decision.REJECT,
                        comment=form.cleaned_data["comment"],
                        expected_version=form.cleaned_data["version"],
                    )
                    messages.success(
                        request,
                        _("Approved.")
                        if action == "approve"
                        else _("Rejected; the author was told."),
                    )
                return redirect("approvals:detail", pk=approval.pk)
            except ValidationError as exc:
                from config.forms import apply_service_errors

                apply_service_errors(form, exc)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect("approvals:detail", pk=approval.pk)
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("You may not decide this step."))
                return redirect("approvals:detail", pk=approval.pk)
    return render(
        request,
        "accounts/approval_detail.html",
        {
            "approval": approval,
            "steps": steps,
            "events": events,
            "form": form,
            "can_decide": can_decide(request.user, approval),
            "can_withdraw": approval.submitted_by_id == request.user.pk
            and approval.status == "pending",
            "document_url": _document_url(approval),
        },
    )


def _document_url(approval):
    from accounts.services.approvals import handler_for

    try:
        return handler_for(approval.document_type).url(approval.document)
    except Exception:  # noqa: BLE001 — a deleted document leaves the history readable
        return ""


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    template = loader.get_template("404.html")
    return HttpResponse(template.render({}, request), status=404)


def permission_denied(request, exception=None):
    from accounts.services.audit import audit_refused_access

    audit_refused_access(request=request, reason="forbidden")
    template = loader.get_template("403.html")
    return HttpResponse(template.render({"message": str(exception or "")}, request), status=403)
