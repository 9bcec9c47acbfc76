"""Forget the cached copy of a user (``accounts.backends``) whenever the row changes, and renew
their person token: the pages kept for them (``competitions.personal_pages``) show their name."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from .backends import forget_user


def _forget(sender, instance, **kwargs) -> None:
    from competitions import page_cache

    forget_user(instance.pk)
    page_cache.person_changed(instance.pk)


def connect() -> None:
    user_model = get_user_model()
    post_save.connect(_forget, sender=user_model, dispatch_uid="accounts-forget-user-save")
    post_delete.connect(_forget, sender=user_model, dispatch_uid="accounts-forget-user-delete")
