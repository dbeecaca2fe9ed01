"""Writing the audit trail: `log` one change, `diff` two states into {label: [old, new]}, and the admin mixin.

Every path that changes data calls `log` (or `entry` for many rows at once): the review workflow for screens,
grids and imports, the planners' settings pages, the management commands and, through AuditedAdminMixin, the
Django admin. pretix's LoggedModel.log_action is the model: one table, one call, whatever changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone

from setagaya_plan.core.models import AuditEntry
from setagaya_plan.lib.numerals import plain_decimal

Action = AuditEntry.Action

# Where a change came from (AuditEntry.source). An import gives the file name, a command its name.
SCREEN = "画面"
GRID = "グリッド"
ADMIN = "管理画面"
# Typed by a person on a page of the app, as opposed to read from a file.
TYPED = frozenset({SCREEN, GRID})
# Fields whose values never go into the trail, only the fact that they changed.
HIDDEN_FIELDS = frozenset({"password"})
HIDDEN = "（非表示）"


def plain(value):
    """A value as the trail keeps it: Decimals as plain text (6358, 92.8), dates as ISO text, rows by their name;
    None, text, numbers and booleans as they are."""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def diff(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, list]:
    """{label: [old, new]} for every label whose value differs between two states (a missing label is None, and
    None and "" are the same)."""
    changes: dict[str, list] = {}
    for label in dict.fromkeys([*before, *after]):
        old, new = plain(before.get(label)), plain(after.get(label))
        if old != new and not (_empty(old) and _empty(new)):
            changes[label] = [old, new]
    return changes


def _empty(value) -> bool:
    """None and "" both mean nothing there: a text cleared to "" is no change from None."""
    return value is None or value == ""


def entry(
    subject: models.Model | None,
    action: str,
    user,
    *,
    changes: Mapping[str, list] | None = None,
    comment: str = "",
    source: str = SCREEN,
    fiscal_year: int | None = None,
    self_approved: bool = False,
) -> AuditEntry:
    """An unsaved entry (for bulk_create); `log` saves one."""
    if fiscal_year is None and isinstance(getattr(subject, "fiscal_year", None), int):
        fiscal_year = subject.fiscal_year
    return AuditEntry(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=str(subject.pk) if subject is not None else "",
        object_repr=str(subject)[:200] if subject is not None else "",
        fiscal_year=fiscal_year,
        changes=dict(changes or {}),
        comment=comment,
        source=source[:200],
        self_approved=self_approved,
    )


def log(subject: models.Model | None, action: str, user, **details) -> AuditEntry:
    """Record one change of `subject` by `user` (None for a command run without one); see `entry` for details."""
    logged = entry(subject, action, user, **details)
    logged.save()
    return logged


# ---- the Django admin -------------------------------------------------------------------------------------------


def snapshot(instance: models.Model) -> dict[str, object]:
    """The editable fields of a row as the trail shows them: {verbose name: value}, many-to-many as a list."""
    state: dict[str, object] = {}
    for field in instance._meta.get_fields():
        if not getattr(field, "editable", False) or field.auto_created or not field.concrete:
            continue
        label = str(field.verbose_name)
        if field.many_to_many:
            state[label] = "、".join(sorted(str(related) for related in getattr(instance, field.name).all())) or None
        elif field.name in HIDDEN_FIELDS:
            state[label] = HIDDEN if getattr(instance, field.attname) else None
        else:
            state[label] = _shown(instance, field)
    return state


def _shown(instance: models.Model, field: models.Field):
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(getattr(instance, field.name))
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return plain(value)


def _stored(instance: models.Model) -> models.Model | None:
    return type(instance)._base_manager.filter(pk=instance.pk).first()


class AuditedAdminMixin:
    """For every ModelAdmin that writes: additions, changes (old → new of each changed field, inlines included)
    and deletions go to the audit trail instead of django.contrib.admin's LogEntry, and the object's history page
    reads the trail.

    The state before a change is read from the database in save_model/save_formset (the form has already put the
    new values on the instance by then), and the state after it once the related rows are saved.
    """

    object_history_template = "admin/audit_history.html"

    def save_model(self, request, obj, form, change):
        if change:
            stored = _stored(obj)
            _pending(request, obj)["before"] = snapshot(stored) if stored else {}
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        before = {
            inline_form.instance.pk: snapshot(stored)
            for inline_form in formset.initial_forms
            if (stored := _stored(inline_form.instance)) is not None
        }
        super().save_formset(request, form, formset, change)
        name = formset.model._meta.verbose_name
        inline_changes = _pending(request, form.instance).setdefault("inlines", {})
        for added in formset.new_objects:
            inline_changes[f"{name}「{added}」"] = [None, "追加"]
        for changed, _fields in formset.changed_objects:
            for label, pair in diff(before.get(changed.pk, {}), snapshot(changed)).items():
                inline_changes[f"{name}「{changed}」・{label}"] = pair
        for deleted in formset.deleted_objects:
            inline_changes[f"{name}「{deleted}」"] = ["あり", "削除"]

    def log_addition(self, request, obj, message):
        pending = _pop_pending(request, obj)
        changes = {**diff({}, snapshot(obj)), **pending.get("inlines", {})}
        return log(obj, Action.ADMIN_ADD, request.user, changes=changes, source=ADMIN)

    def log_change(self, request, obj, message):
        pending = _pop_pending(request, obj)
        if "before" in pending:
            stored = _stored(obj) or obj
            changes = {**diff(pending["before"], snapshot(stored)), **pending.get("inlines", {})}
        else:
            # A page that saves without save_model (the password form): only the names of what changed are known.
            changes = {label: [HIDDEN, HIDDEN] for label in _changed_labels(message)}
        if not changes:
            return None  # "Save" without a change: nothing happened
        return log(obj, Action.ADMIN_CHANGE, request.user, changes=changes, source=ADMIN)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            log(obj, Action.ADMIN_DELETE, request.user, changes=diff(snapshot(obj), {}), source=ADMIN)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"変更履歴：{obj}",
            "subtitle": None,
            "entries": AuditEntry.objects.for_subject(obj).newest_first(),
            "module_name": str(self.opts.verbose_name_plural),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def _pending(request, obj: models.Model) -> dict:
    return request.__dict__.setdefault("_audit_pending", {}).setdefault((obj._meta.label, obj.pk), {})


def _pop_pending(request, obj: models.Model) -> dict:
    return request.__dict__.get("_audit_pending", {}).pop((obj._meta.label, obj.pk), {})


def _changed_labels(message) -> Iterable[str]:
    for part in message if isinstance(message, list) else []:
        for name in part.get("changed", {}).get("fields", []):
            yield str(name)
