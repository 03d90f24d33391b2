"""Browser pages for customer archives. Reads go through selectors (the viewer's scope),
writes through services; forms only parse input."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policies import get_visible_or_404
from accounts.services.approvals import can_decide
from config.exceptions import ApplicationError
from config.exports import export_response
from config.forms import apply_service_errors

from . import policies, selectors, services
from .exports import CUSTOMER_COLUMNS, audit_export
from .filters import CustomerFilter
from .forms import (
    AssignForm,
    CertificationForm,
    ContactForm,
    CustomerForm,
    StatusForm,
    SurveyForm,
    TeamMemberForm,
)
from .models import Contact, Customer, CustomerTeamMember
from .panels import panels_for

PAGE_SIZES = (25, 50, 100)


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", 25))
    except ValueError:
        size = 25
    return size if size in PAGE_SIZES else 25


@login_required
@permission_required(policies.VIEW, raise_exception=True)
def customer_list(request):
    base = Customer.objects.visible_to(request.user).with_list_relations()
    filterset = CustomerFilter(request.GET, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    paginator = Paginator(queryset, _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "customers/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm(policies.ADD),
            "can_export": policies.can_export_customers(request.user),
            "page_sizes": PAGE_SIZES,
        },
    )


@login_required
@permission_required(policies.EXPORT, raise_exception=True)
def customer_export(request):
    base = Customer.objects.visible_to(request.user).with_list_relations()
    filterset = CustomerFilter(request.GET, queryset=base, request=request)
    if not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("customers:list")
    fmt = request.GET.get("fmt", "xlsx")
    try:
        response = export_response(
            queryset=filterset.qs, columns=CUSTOMER_COLUMNS, basename="customers", fmt=fmt
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('customers:list')}?{request.GET.urlencode()}")
    audit_export(request=request, what="customers", count=filterset.qs.count(), fmt=fmt)
    return response


@login_required
@permission_required(policies.ADD, raise_exception=True)
def customer_create(request):
    can_assign = policies.can_assign_customer(request.user)
    form = CustomerForm(request.POST or None, actor=request.user, can_assign=can_assign)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = (
            data.pop("owner", None)
            if can_assign
            else (request.user if request.user.data_scope == "own" else None)
        )
        try:
            customer = services.customer_create(actor=request.user, owner=owner, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "creating": True})


@login_required
@permission_required(policies.VIEW, raise_exception=True)
def customer_detail(request, pk):
    detail = selectors.customer_detail(actor=request.user, pk=pk, request=request)
    customer = detail.customer
    user = request.user
    return render(
        request,
        "customers/detail.html",
        {
            "d": detail,
            "customer": customer,
            "can_edit": policies.can_edit_customer(user, customer),
            "can_delete": policies.can_delete_customer(user, customer)
            and customer.status == "prospect",
            "can_assign": policies.can_assign_customer(user, customer),
            "can_add_contact": policies.can_add_contacts(user, customer),
            "can_edit_contact": policies.can_edit_contacts(user, customer),
            "can_survey": policies.can_record_survey(user, customer),
            "can_certify": policies.can_apply_certification(user, customer),
            "can_decide": detail.approval is not None and can_decide(user, detail.approval),
            "status_form": StatusForm(),
            "panels": panels_for(request, customer),
        },
    )


@login_required
def customer_update(request, pk):
    # scope first: outside it the record is not found (404), even without the permission
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    if not policies.can_edit_customer(request.user, customer):
        raise PermissionDenied
    form = CustomerForm(
        request.POST or None, instance=customer, actor=request.user, show_owner=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The archive was saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@login_required
def customer_delete(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    if not policies.can_delete_customer(request.user, customer):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.customer_delete(actor=request.user, customer=customer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("customers:detail", pk=customer.pk)
        messages.success(request, _("Prospect %(name)s deleted.") % {"name": customer.name})
        return redirect("customers:list")
    return render(request, "customers/confirm_delete.html", {"customer": customer})


@login_required
@require_POST
def customer_status(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("customers:detail", pk=pk)
    action = form.cleaned_data["action"]
    reason = form.cleaned_data["reason"]
    service = {
        "dormant": services.customer_set_dormant,
        "reactivate": services.customer_reactivate,
        "terminate": services.customer_terminate,
    }[action]
    try:
        service(actor=request.user, customer=customer, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Status changed."))
    return redirect("customers:detail", pk=pk)


@login_required
def customer_assign(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    if not policies.can_assign_customer(request.user, customer):
        raise PermissionDenied
    form = AssignForm(
        request.POST or None, actor=request.user, initial={"owner": customer.owner_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_assign(
                actor=request.user,
                customer=customer,
                owner=form.cleaned_data["owner"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Account manager changed."))
            return redirect("customers:detail", pk=pk)
    return render(
        request,
        "customers/simple_form.html",
        {"form": form, "customer": customer, "title": _("Assign account manager")},
    )


# --- team ---------------------------------------------------------------------------------------


@login_required
def team_add(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    if not policies.can_edit_customer(request.user, customer):
        raise PermissionDenied
    form = TeamMemberForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_add(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Team member added."))
            return redirect("customers:detail", pk=pk)
    return render(
        request,
        "customers/simple_form.html",
        {"form": form, "customer": customer, "title": _("Add a team member")},
    )


@login_required
@require_POST
def team_remove(request, pk, member_pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    member = get_object_or_404(CustomerTeamMember, pk=member_pk, customer=customer)
    services.team_member_remove(actor=request.user, member=member)
    messages.success(request, _("Team member removed."))
    return redirect("customers:detail", pk=pk)


# --- contacts -----------------------------------------------------------------------------------


@login_required
def contact_create(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    if not policies.can_add_contacts(request.user, customer):
        raise PermissionDenied
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("customers:detail", pk=pk)
    return render(
        request,
        "customers/simple_form.html",
        {"form": form, "customer": customer, "title": _("New contact")},
    )


@login_required
def contact_update(request, contact_pk):
    contact = get_visible_or_404(
        Contact.objects.select_related("customer"), request.user, request=request, pk=contact_pk
    )
    if not policies.can_edit_contacts(request.user, contact.customer):
        raise PermissionDenied
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("customers:detail", pk=contact.customer_id)
    return render(
        request,
        "customers/simple_form.html",
        {"form": form, "customer": contact.customer, "title": _("Edit contact")},
    )


@login_required
@require_POST
def contact_delete(request, contact_pk):
    contact = get_visible_or_404(
        Contact.objects.select_related("customer"), request.user, request=request, pk=contact_pk
    )
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact deleted."))
    return redirect("customers:detail", pk=contact.customer_id)


# --- surveys and certification -----------------------------------------------------------------


@login_required
def survey_create(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    if not policies.can_record_survey(request.user, customer):
        raise PermissionDenied
    form = SurveyForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_record(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Survey recorded."))
            return redirect("customers:detail", pk=pk)
    return render(
        request,
        "customers/simple_form.html",
        {"form": form, "customer": customer, "title": _("Record a survey")},
    )


@login_required
def certification_create(request, pk):
    customer = selectors.customer_get(actor=request.user, pk=pk, request=request)
    if not policies.can_apply_certification(request.user, customer):
        raise PermissionDenied
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_create(
                actor=request.user,
                customer=customer,
                submit="submit" in request.POST,
                **form.cleaned_data,
            )
        except (ValidationError, ApplicationError) as exc:
            _show_error(request, form, exc)
        else:
            if "submit" in request.POST:
                messages.success(request, _("The application was submitted for approval."))
            else:
                messages.success(request, _("The application was saved as a draft."))
            return redirect("customers:detail", pk=pk)
    return render(
        request,
        "customers/certification_form.html",
        {"form": form, "customer": customer, "title": _("Apply for certification")},
    )


def _show_error(request, form, exc):
    if isinstance(exc, ValidationError):
        apply_service_errors(form, exc)
    else:
        form.add_error(None, exc.message)


@login_required
def certification_update(request, cert_pk):
    application = selectors.certification_get(actor=request.user, pk=cert_pk, request=request)
    if not policies.can_apply_certification(request.user, application.customer):
        raise PermissionDenied
    if not application.is_editable:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("customers:detail", pk=application.customer_id)
    form = CertificationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_update(
                actor=request.user,
                application=application,
                submit="submit" in request.POST,
                **form.cleaned_data,
            )
        except (ValidationError, ApplicationError) as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("The application was saved."))
            return redirect("customers:detail", pk=application.customer_id)
    return render(
        request,
        "customers/certification_form.html",
        {"form": form, "customer": application.customer, "title": _("Certification application")},
    )


@login_required
@require_POST
def certification_submit(request, cert_pk):
    application = selectors.certification_get(actor=request.user, pk=cert_pk, request=request)
    try:
        services.certification_submit(actor=request.user, application=application)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The application was submitted for approval."))
    return redirect("customers:detail", pk=application.customer_id)
