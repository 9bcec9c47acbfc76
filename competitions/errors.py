"""Expected refusals: their message is shown to the person as-is (pages, API, CLI)."""


class ServiceError(Exception):
    """A refusal a person can act on. ``field`` names the form field it is about, if any;
    ``code`` is what the API's error body calls it (subclasses narrow it)."""

    code = "refused"

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class PermissionRefused(ServiceError):
    """The acting person may not do this (views answer 403 or 404, the API the same)."""


class TwoFactorRequired(PermissionRefused):
    """An organiser or judge of an event that requires two-factor authentication has not set it
    up: pages send them to set it up (``accounts:two_factor_required``), the API answers 403."""

    def __init__(self, message, *, event=None):
        super().__init__(message)
        self.event = event

    code = "permission_denied"
