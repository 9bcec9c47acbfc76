"""Judging's writes: each service takes the acting person and asks ``require`` itself."""

from competitions.errors import PermissionRefused, ServiceError


class JudgingRefused(ServiceError):
    """A refusal a person can act on; its message is shown as-is."""


__all__ = ["JudgingRefused", "PermissionRefused", "ServiceError"]
