from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "competitions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery tasks in every process (web, worker, beat): services send them
        # by name and never import the task module.
        from . import signals, tasks  # noqa: F401

        signals.connect()
