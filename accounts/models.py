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


class ApiToken(models.Model):
    """A personal API token: the person names it, may give it an expiry, sees it once. Only a
    SHA-256 of it is stored (tokens are 256 random bits, so a slow hash adds nothing); the
    first characters are kept to tell tokens apart on the profile page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
