from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What indicators and consultations share: sections and roles, fiscal-year settings, the audit entry base.

    It imports neither of them (tests/test_architecture.py keeps it so); they both build on it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "setagaya_plan.core"
    label = "core"
    verbose_name = "共通"
