from django.apps import AppConfig
from django.contrib.admin import apps as django_admin_apps

# Registers the `in` lookup that lets integer ids from a request out of range match nothing (see the module).
from setagaya_plan.core import lookups  # noqa: F401


class CoreConfig(AppConfig):
    """What indicators and consultations share: sections and roles, fiscal-year settings, the audit entry base.

    It imports neither of them (tests/test_architecture.py keeps it so); they both build on it.
    """

    default = True  # this module also holds the admin's AppConfig below
    default_auto_field = "django.db.models.BigAutoField"
    name = "setagaya_plan.core"
    label = "core"
    verbose_name = "共通"


class AdminConfig(django_admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (setagaya_plan.core.admin_site) as the default admin.site."""

    default = False
    default_site = "setagaya_plan.core.admin_site.AdminSite"
