from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _first_grades(sender, verbosity=1, **kwargs):
    # A database upgraded to stored grades gets them once after its migrations, with the models as they are
    # then (a data migration would run against models newer than its own schema).
    call_command("regrade", if_empty=True, verbosity=verbosity)


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = "指標"

    def ready(self):
        post_migrate.connect(_first_grades, sender=self)
