import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    """A person on DataJam; times are shown in ``timezone`` (UTC until they choose), pages,
    notifications and e-mails are in ``language`` (the browser's until they choose)."""

    timezone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )

    def __str__(self) -> str:
        return self.username or self.email
