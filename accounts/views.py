from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "mfa_enabled": is_mfa_enabled(request.user)},
    )


def set_language(request):
    """Django's language switch, which also saves the choice of a signed-in person (their
    notifications and e-mails follow it)."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and code in dict(settings.LANGUAGES)
    ):
        get_user_model().objects.filter(pk=request.user.pk).update(language=code)
    return response
