from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "advocacy.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401 - connects its receivers; in ready(): it imports models (app loading)
