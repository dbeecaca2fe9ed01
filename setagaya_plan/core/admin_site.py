"""The project's admin site: Django's, with every registered ModelAdmin made safe against odd request values.

Django's autocomplete widgets query the database with whatever id a request holds (?section=² on an add page,
or a posted form that failed validation) and crash with HTTP 500 on an id that is not a number; a list with a
date hierarchy crashes on a day of twenty digits. Every
ModelAdmin registered here — the project's and django.contrib.auth's alike — gets widgets that ask only with
ids that can be one. It is Django's default admin site (core.apps.AdminConfig in INSTALLED_APPS), so nothing
else changes.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _ValidIdsMixin:
    """Render only the selected values that can be an id of the related model (others are simply not shown)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_id(v)], attr)

    def _is_id(self, value) -> bool:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        try:
            target.to_python(value)
        except ValidationError:
            return False
        return True


class SafeAutocompleteSelect(_ValidIdsMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidIdsMixin, AutocompleteSelectMultiple):
    pass


class SafeRequestValuesAdmin:
    """ModelAdmin and inline mixin: the autocomplete fields use the widgets above, and the list refuses a date
    filter out of any calendar the way it refuses any other bad filter."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            # date_hierarchy makes a date of ?…__day=99999999999999999999; Django turns the ValueError of an
            # impossible date into "incorrect lookup" (the list with ?e=1), not the OverflowError of a huge one.
            raise IncorrectLookupParameters(error) from error

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def safe(admin_class: type) -> type:
    """The ModelAdmin or inline class with SafeRequestValuesAdmin mixed in, its inlines too."""
    if issubclass(admin_class, SafeRequestValuesAdmin):
        return admin_class
    attrs = {"__module__": admin_class.__module__}
    if getattr(admin_class, "inlines", None):
        attrs["inlines"] = [safe(inline) for inline in admin_class.inlines]
    return type(admin_class.__name__, (SafeRequestValuesAdmin, admin_class), attrs)


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, safe(admin_class or admin.ModelAdmin), **options)
