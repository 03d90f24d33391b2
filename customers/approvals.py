"""Customer certification (客户认定) through the approval engine."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services.approvals import ApprovalHandler, register

from . import policies
from .models import CertificationApplication, CustomerStatus, CustomerSurvey


@register
class CertificationHandler(ApprovalHandler):
    document_type = CertificationApplication.approval_document_type
    label = gettext_lazy("customer certification")

    def title(self, document):
        return _("Certification of %(customer)s") % {"customer": document.customer.name}

    def amount(self, document):
        return document.expected_annual_amount

    def department(self, document):
        return document.customer.department

    def url(self, document):
        return f"/customers/{document.customer_id}/"

    def check_submit(self, *, actor, document):
        customer = document.customer
        if not policies.can_apply_certification(actor, customer):
            raise PermissionDenied(_("You may not apply for this customer's certification."))
        if customer.status != CustomerStatus.PROSPECT:
            raise ValidationError(_("Only a prospect can apply for certification."))
        errors = []
        if not customer.credit_code:
            errors.append(_("Enter the customer's unified social credit code first."))
        kinds = set(
            CustomerSurvey.objects.filter(customer=customer)
            .exclude(conclusion=CustomerSurvey.Conclusion.FAIL)
            .values_list("kind", flat=True)
        )
        if CustomerSurvey.Kind.CREDIT not in kinds:
            errors.append(_("Record a credit survey (客户信用调查) without a failed result first."))
        if CustomerSurvey.Kind.ON_SITE not in kinds:
            errors.append(_("Record an on-site survey (实地调查) without a failed result first."))
        if customer.owner_id is None:
            errors.append(_("Assign an account manager to the customer first."))
        if errors:
            raise ValidationError(errors)

    def on_submitted(self, *, actor, document):
        from .services import customer_change_status

        customer_change_status(
            actor=actor,
            customer=document.customer,
            to=CustomerStatus.UNDER_REVIEW,
            reason=_("Certification submitted"),
        )

    def on_approved(self, *, actor, document):
        from .services import customer_certify

        customer_certify(actor=actor, customer=document.customer)

    def on_rejected(self, *, actor, document, comment):
        from .services import customer_change_status

        customer_change_status(
            actor=actor,
            customer=document.customer,
            to=CustomerStatus.PROSPECT,
            reason=_("Certification rejected: %(comment)s") % {"comment": comment},
        )

    def on_withdrawn(self, *, actor, document):
        from .services import customer_change_status

        customer_change_status(
            actor=actor,
            customer=document.customer,
            to=CustomerStatus.PROSPECT,
            reason=_("Certification withdrawn"),
        )
