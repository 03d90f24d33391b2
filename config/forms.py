"""Form helpers shared by every app's browser views."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class BootstrapFormMixin:
    """Bootstrap classes on widgets; errors mark the field invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)

    def full_clean(self):
        # never validate from __init__: subclasses adjust fields after super().__init__()
        super().full_clean()
        _mark_invalid(self)


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside their fields,
    the rest on top. The user's input stays in the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)
    _mark_invalid(form)


def _mark_invalid(form) -> None:
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 (Django's name)
        super().__init__(attrs=attrs, format=format)
