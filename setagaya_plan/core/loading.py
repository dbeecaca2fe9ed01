"""Writing data files into the database idempotently, with every change in the audit trail.

`manage.py load_plan` writes the printed plan (indicators.services.load_plan) and the data other apps keep beside
it (consultations.services.load_master_data) through a Writer: a row is created when missing and otherwise only
the fields that differ are written, so a second run writes nothing. Each row it creates, changes or deletes is one
audit entry 計画データの読込 with the command as its source: old → new of the changed fields, or the name of a row
added or deleted (the printed texts of a new row are not copied into the trail).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

from setagaya_plan.core import audit
from setagaya_plan.core.models import AuditEntry


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        return [
            f"{name}: 追加 {self.created[name]}、更新 {self.updated[name]}、削除 {self.deleted[name]}" for name in names
        ]


class Writer:
    """Creates and updates rows as a data file says. `error` is what a row the model refuses raises (the data
    file's own error class, so the command reports it like any other mistake in the file)."""

    def __init__(self, *, source: str, error: type[Exception]) -> None:
        self.report = LoadReport()
        self.source = source
        self.error = error
        self._entries: list[AuditEntry] = []

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        """Create, or update only the fields that differ."""
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            return self.create(model, {**lookup, **values})
        changed = [name for name, value in values.items() if getattr(instance, _attname(model, name)) != _raw(value)]
        if changed:
            before = {_label(model, name): getattr(instance, name) for name in changed}
            for name in changed:
                setattr(instance, name, values[name])
            self._validate(instance)
            instance.save(update_fields=changed)
            self.report.updated[str(model._meta.verbose_name)] += 1
            after = {_label(model, name): getattr(instance, name) for name in changed}
            self._log(instance, audit.diff(before, after))
        return instance

    def create(self, model: type[models.Model], values: dict) -> models.Model:
        instance = model(**values)
        self._validate(instance)
        instance.save()
        self.report.created[str(model._meta.verbose_name)] += 1
        self._log(instance, {"（追加）": [None, str(instance)]})
        return instance

    def set_related(self, instance: models.Model, name: str, wanted: Iterable[models.Model]) -> bool:
        """Make a many-to-many field hold exactly `wanted`; True when it changed."""
        related = getattr(instance, name)
        current, wanted = set(related.all()), set(wanted)
        if current == wanted:
            return False
        related.set(wanted)
        self._log(instance, {_label(type(instance), name): [_names(current), _names(wanted)]})
        return True

    def delete(self, queryset: models.QuerySet) -> int:
        """Delete the rows a data file no longer has; how many."""
        rows = list(queryset)
        for row in rows:
            self._log(row, {"（削除）": [str(row), None]})
        deleted, _ = queryset.delete()
        if deleted:
            self.report.deleted[str(queryset.model._meta.verbose_name)] += deleted
        return deleted

    def flush(self) -> LoadReport:
        """Write the audit entries of the run (one insert per batch) and return what changed."""
        AuditEntry.objects.bulk_create(self._entries, batch_size=500)
        self._entries = []
        return self.report

    def _log(self, instance: models.Model, changes: dict) -> None:
        self._entries.append(
            audit.entry(instance, AuditEntry.Action.LOAD_PLAN, None, changes=changes, source=self.source)
        )

    def _validate(self, instance: models.Model) -> None:
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise self.error(f"{instance._meta.verbose_name}「{instance}」: {error.messages}") from None


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname


def _raw(value):
    return value.pk if isinstance(value, models.Model) else value


def _names(rows: set[models.Model]) -> str | None:
    return "、".join(sorted(str(row) for row in rows)) or None
