from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "judging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from competitions.permissions import register_rules
        from competitions.services.merges import register_merge_hook

        from . import tasks  # noqa: F401  (Celery tasks, registered by name in every process)
        from .permissions import RULES, STAFF_ACTIONS
        from .services.merges import HOOK

        register_rules(RULES, staff=STAFF_ACTIONS)
        register_merge_hook(HOOK)
