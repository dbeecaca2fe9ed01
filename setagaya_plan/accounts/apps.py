from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: lockout after failed passwords (django-axes), its unlock page, password change, create_user."""

    name = "setagaya_plan.accounts"
    label = "accounts"
    verbose_name = "ログインと利用者"
