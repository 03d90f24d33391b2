from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import colleagues
from config.forms import BootstrapFormMixin, DateInput

from .models import CertificationApplication, Contact, Customer, CustomerSurvey, CustomerTeamMember
from .services import ARCHIVE_FIELDS, CERTIFICATION_FIELDS, CONTACT_FIELDS, SURVEY_FIELDS


def assignable_users(actor):
    return colleagues(actor).filter(position__isnull=False).order_by("username")


class CustomerForm(BootstrapFormMixin, forms.ModelForm):
    """Input of the archive fields. Business rules are checked by the service."""

    owner = forms.ModelChoiceField(
        label=_("account manager"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = Customer
        fields = [*ARCHIVE_FIELDS]
        widgets = {"business_scope": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor=None, can_assign=False, show_owner=True, **kwargs):
        super().__init__(*args, **kwargs)
        if show_owner and can_assign and actor is not None:
            self.fields["owner"].queryset = assignable_users(actor)
            self.fields["owner"].help_text = _("Leave empty to put the customer in the pool.")
        else:
            del self.fields["owner"]
        # the service validates the credit code with a precise message
        self.fields["credit_code"].validators = []

    def _post_clean(self):
        # model validation (uniqueness, constraints) belongs to the service: skip it here
        pass


class ContactForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [*CONTACT_FIELDS]
        widgets = {"birthday": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class SurveyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CustomerSurvey
        fields = [*SURVEY_FIELDS]
        widgets = {"survey_date": DateInput()}

    def _post_clean(self):
        pass


class CertificationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CertificationApplication
        fields = [*CERTIFICATION_FIELDS]

    def _post_clean(self):
        pass


class TeamMemberForm(BootstrapFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("staff member"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=CustomerTeamMember.Role.choices)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.fields["user"].queryset = assignable_users(actor)


class AssignForm(BootstrapFormMixin, forms.Form):
    owner = forms.ModelChoiceField(
        label=_("account manager"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to put the customer in the pool."),
    )
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.fields["owner"].queryset = assignable_users(actor)


class StatusForm(BootstrapFormMixin, forms.Form):
    ACTIONS = (
        ("dormant", _("Mark dormant")),
        ("reactivate", _("Reactivate")),
        ("terminate", _("Terminate the relationship (交易终止/解除)")),
    )
    action = forms.ChoiceField(label=_("action"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
