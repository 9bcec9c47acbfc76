from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from datajam.forms import ERROR_SUMMARY_ID

from .models import TIMEZONE_CHOICES, User


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Timezone"), choices=[("", "—")] + TIMEZONE_CHOICES, required=False
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "timezone"]
        labels = {"language": _("Language")}


class LoginForm(AllauthLoginForm):
    """allauth's log-in form. Its refusal ("the e-mail address and/or password are not
    correct") is about both fields, not one: both are marked invalid and described by it."""

    def full_clean(self):
        super().full_clean()
        if not self.non_field_errors():
            return
        for name in ("login", "password"):
            if name not in self.fields:
                continue
            described_by = [ERROR_SUMMARY_ID]
            if self.fields[name].help_text:
                described_by.append(f"{self[name].auto_id}_helptext")
            self.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": " ".join(described_by)}
            )


class ApiTokenForm(forms.Form):
    """A new personal API token: a name and when it stops working."""

    EXPIRY_CHOICES = [
        ("", _("Never")),
        ("30", _("In 30 days")),
        ("90", _("In 90 days")),
        ("365", _("In a year")),
    ]

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What it is for, e.g. “lab GPU box” or “CI”."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
