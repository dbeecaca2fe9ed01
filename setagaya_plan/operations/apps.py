from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: /healthz, the database-outage page, backup and restore."""

    name = "setagaya_plan.operations"
    label = "operations"
    verbose_name = "運用"
