"""``manage.py create_api_token EMAIL [--name NAME] [--expires-days N]``: print a new personal
API token for automation (the profile page is the way for people)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from competitions.errors import ServiceError

from ...tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for the account with this e-mail and print it."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Days until it stops working."
        )

    def handle(self, *args, email, name, expires_days, **options):
        users = get_user_model().objects.filter(email__iexact=email.strip())
        if users.count() != 1:
            raise CommandError(f"No single account has the e-mail address {email!r}.")
        if expires_days is not None and expires_days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        try:
            _token, raw = api_token_create(user=users.get(), name=name, expires_at=expires_at)
        except ServiceError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(raw)
