"""What every reviewed record has: a status, a version for optimistic locking, who saved, submitted and approved it.

An indicator's yearly report (indicators.Report) and a month of consultation counts (consultations.CountReport)
build on it. Their changes go through setagaya_plan.core.review, the one state machine.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef

from setagaya_plan.core.models.audit import AuditEntry

# What puts a person's hand on a record's values or sends them for review, and what starts a new review cycle.
ENTERING_ACTIONS = (
    AuditEntry.Action.CREATE,
    AuditEntry.Action.EDIT,
    AuditEntry.Action.IMPORT,
    AuditEntry.Action.SUBMIT,
    AuditEntry.Action.ADMIN_ADD,
    AuditEntry.Action.ADMIN_CHANGE,
)
CYCLE_STARTS = (AuditEntry.Action.APPROVE, AuditEntry.Action.REOPEN)


def _user_field(verbose_name: str):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class ReviewedRecord(models.Model):
    """下書き → 提出済 → 承認済, or 差戻し (with a reason) → corrected → 提出済; an approval can be taken back (再開).

    `submitted_at`/`submitted_by` are the latest submission; `approved_at`/`approved_by` are set exactly while the
    record is 承認済. `version` grows with every saved change, so two people never silently overwrite each other.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "下書き"
        SUBMITTED = "submitted", "提出済"
        APPROVED = "approved", "承認済"
        RETURNED = "returned", "差戻し"

    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField("差戻し理由", blank=True)
    version = models.PositiveIntegerField("版", default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = _user_field("更新者")
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    submitted_by = _user_field("提出者")
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    approved_by = _user_field("承認者")

    class Meta:
        abstract = True

    @property
    def is_editable_by_staff(self) -> bool:
        """入力担当 may change a draft or a returned record; submitted and approved ones wait for review."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def entered_or_submitted_by(self, user) -> bool:
        """Whether `user` entered values of this record (screen, grid, import or admin) or submitted it in the current
        review cycle: since its last approval or reopening, as the audit trail records it. Such a person does not
        approve it (separation of duties)."""
        return self.pk in type(self).entered_or_submitted_among([self], user)

    @classmethod
    def entered_or_submitted_among(cls, records, user) -> set:
        """The pks of those `records` (all of this model) that `user` entered or submitted in their current review
        cycle, in at most one query whatever their number: the rule of `entered_or_submitted_by`, for a list of
        records (the work queue of 実績入力)."""
        records = [record for record in records if record.pk is not None]
        if user is None or not user.is_authenticated or not records:
            return set()
        found = {
            record.pk
            for record in records
            if record.status == cls.Status.SUBMITTED and record.submitted_by_id == user.pk
        }
        rest = {str(record.pk): record.pk for record in records if record.pk not in found}
        if rest:
            # An entry of the user's counts while no approval or reopening of the same record came after it.
            cycle_started_after = AuditEntry.objects.filter(
                content_type=OuterRef("content_type"),
                object_id=OuterRef("object_id"),
                action__in=CYCLE_STARTS,
                pk__gt=OuterRef("pk"),
            )
            entered = (
                AuditEntry.objects.for_subjects(cls, rest.values())
                .filter(user=user, action__in=ENTERING_ACTIONS)
                .exclude(Exists(cycle_started_after))
                .values_list("object_id", flat=True)
                .distinct()
            )
            found.update(rest[object_id] for object_id in entered)
        return found
