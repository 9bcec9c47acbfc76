from django import forms

from .models import TIMEZONE_CHOICES, User


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=[("", "—")] + TIMEZONE_CHOICES, required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "timezone"]
