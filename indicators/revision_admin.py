"""The admin's edits of targets, totals and baselines ask which revision of the 実施計画 they belong to.

Series, Target and Indicator (its series inline) carry two more fields, 改定名 and 決定日, with the rule of the
import (indicators.revisions): a change of a stored value needs a revision; a new series' values are 当初's. The
values are read before the save and after the inlines are saved, and the difference is recorded as the revision's.
"""

from __future__ import annotations

from django import forms

from indicators import revisions
from indicators.models import SERIES_FIELDS, Target
from indicators.revision_forms import decided_field, resolve_revision, revision_field

REVISION_NEEDED = (
    "目標・総量・現況値を変えるときは、どの改定による変更かを「改定名」に入力してください（例：令和8年度改定）。"
)
TARGET_FIELDS = ("fiscal_year", "end_fiscal_year", "value", "text", "deferred_to")


class RevisionForm(forms.ModelForm):
    """The admin's model form with 改定名 and 決定日; `versioned` are the fields whose change needs a revision."""

    versioned: tuple[str, ...] = ()
    revision = revision_field()
    decided = decided_field()

    def clean(self):
        cleaned = super().clean()
        self.plan_revision = resolve_revision(self)
        if not (cleaned.get("revision") or "").strip() and "revision" not in self.errors and self.needs_revision():
            self.add_error("revision", REVISION_NEEDED)
        return cleaned

    def needs_revision(self) -> bool:
        """A stored value changes (a new object's values are 当初's)."""
        return bool(self.instance.pk and set(self.versioned) & set(self.changed_data))


class SeriesForm(RevisionForm):
    versioned = SERIES_FIELDS


class TargetForm(RevisionForm):
    versioned = TARGET_FIELDS

    def needs_revision(self) -> bool:
        # A target added to a stored series is a change of that series.
        return not self.instance.pk or super().needs_revision()


class VersionedInlineFormSet(forms.BaseInlineFormSet):
    """Targets (or a series' 現況値 and 総量) edited inline: a change of a stored one needs the page's 改定名."""

    versioned: tuple[str, ...] = ()

    def clean(self):
        super().clean()
        if (self.data.get("revision") or "").strip():
            return
        parent_is_new = self.instance.pk is None
        for form in self.forms:
            if not form.has_changed() or parent_is_new:
                continue
            stored = form.instance.pk is not None
            deleted = self.can_delete and self._should_delete_form(form)
            # A target added to, changed in or deleted from a stored series; a new part's values are 当初's.
            changed = deleted or bool(set(self.versioned) & set(form.changed_data))
            if isinstance(form.instance, Target) or (stored and changed):
                raise forms.ValidationError(REVISION_NEEDED)


class TargetFormSet(VersionedInlineFormSet):
    versioned = TARGET_FIELDS


class SeriesFormSet(VersionedInlineFormSet):
    versioned = SERIES_FIELDS


class RevisionAdminMixin:
    """Records the admin's changes of targets, totals and baselines as the chosen revision's."""

    def series_ids(self, obj) -> list[int]:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        # What the series held before anything of this page is saved (a new object has none yet).
        request.revision_before = revisions.snapshot(self.series_ids(obj))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "revision_before", {})
        ids = set(before) | set(self.series_ids(form.instance))
        revisions.record(form.plan_revision, before, user=request.user, series_ids=ids)
