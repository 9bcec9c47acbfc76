from django.apps import AppConfig


class StarterConfig(AppConfig):
    """Registers the ``generate_ads`` management command; the kit itself is plain Python."""

    name = "starter"
    verbose_name = "Starter kit"
