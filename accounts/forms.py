from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class KamPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass


class DecisionForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: the author sees it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
