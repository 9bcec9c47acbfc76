from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TIMEZONE_CHOICES, User


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Timezone"), choices=[("", "—")] + TIMEZONE_CHOICES, required=False
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "timezone"]
        labels = {"language": _("Language")}
