from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sitbone.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
