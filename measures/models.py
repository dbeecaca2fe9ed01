"""The plan's structure: 計画 → 基本目標 → 推進施策 → めざす姿 → 主な取組み.

Indicators (行動量 and 成果指標) hang off めざす姿 and live in the indicators app.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class Plan(models.Model):
    name = models.CharField("計画名", max_length=200, unique=True)
    start_fiscal_year = models.PositiveSmallIntegerField("計画期間（開始年度）")
    end_fiscal_year = models.PositiveSmallIntegerField("計画期間（終了年度）")
    mid_review_fiscal_year = models.PositiveSmallIntegerField("中間見直し年度", null=True, blank=True)

    class Meta:
        verbose_name = "計画"
        verbose_name_plural = "計画"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_fiscal_year__gte=models.F("start_fiscal_year")),
                name="plan_period_ordered",
                violation_error_message="計画期間の終了年度は開始年度以降にしてください。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def fiscal_years(self) -> range:
        return range(self.start_fiscal_year, self.end_fiscal_year + 1)

    def covers(self, fiscal_year: int) -> bool:
        return self.start_fiscal_year <= fiscal_year <= self.end_fiscal_year


class Goal(models.Model):
    """基本目標."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals", verbose_name="計画")
    number = models.PositiveSmallIntegerField("番号")
    title = models.CharField("基本目標", max_length=200)
    description = models.TextField("説明", blank=True)

    class Meta:
        verbose_name = "基本目標"
        verbose_name_plural = "基本目標"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="goal_number_unique_in_plan",
                violation_error_message="同じ番号の基本目標がすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return f"基本目標{self.number} {self.title}"


class MeasureQuerySet(models.QuerySet):
    def in_plan_order(self) -> MeasureQuerySet:
        return self.select_related("goal").order_by("goal__number", "number")


class Measure(models.Model):
    """推進施策."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="measures", verbose_name="基本目標")
    number = models.PositiveSmallIntegerField("番号")
    title = models.CharField("推進施策", max_length=200)
    description = models.TextField("説明", blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = "推進施策"
        verbose_name_plural = "推進施策"
        ordering = ["goal__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "number"],
                name="measure_number_unique_in_goal",
                violation_error_message="同じ基本目標に同じ番号の推進施策がすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        """推進施策(1) of 基本目標1 is printed 推進施策１; the goal is named too because numbering restarts."""
        return f"基本目標{self.goal.number}－推進施策{self.number}"


class Vision(models.Model):
    """めざす姿: the state to reach in eight years, with its narrative."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="visions", verbose_name="推進施策")
    number = models.PositiveSmallIntegerField("番号", default=1)
    subtitle = models.CharField("見出し", max_length=200, blank=True)
    statement = models.TextField("めざす姿")
    description = models.TextField("説明", blank=True)
    current_state = models.TextField("現状やこれまでの取組み", blank=True)
    challenges = models.TextField("今後の課題", blank=True)
    direction = models.TextField("取組みの方向性", blank=True)
    notes = models.TextField("表の注記", blank=True, help_text="指標の表の下に印刷された※の注記。段落ごとに改行。")

    class Meta:
        verbose_name = "めざす姿"
        verbose_name_plural = "めざす姿"
        ordering = ["measure__goal__number", "measure__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "number"],
                name="vision_number_unique_in_measure",
                violation_error_message="同じ推進施策に同じ番号のめざす姿がすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.label} めざす姿{self.number}"

    def note_list(self) -> list[str]:
        return [line for line in self.notes.splitlines() if line.strip()]

    def initiative_for(self, number: str) -> Initiative | None:
        """番号 links an indicator to its 主な取組み: 1-① belongs to 取組み 1."""
        initiatives = {initiative.number: initiative for initiative in self.initiatives.all()}
        return initiatives.get(number) or initiatives.get(number.split("-")[0])


class Initiative(models.Model):
    """主な取組み. Its 番号 links it to the 行動量 and 成果指標 of the same number."""

    vision = models.ForeignKey(Vision, on_delete=models.PROTECT, related_name="initiatives", verbose_name="めざす姿")
    number = models.CharField("番号", max_length=20)
    title = models.CharField("主な取組み", max_length=200)
    purpose = models.TextField("目的と内容", blank=True)
    position = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "主な取組み"
        verbose_name_plural = "主な取組み"
        ordering = ["vision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["vision", "number"],
                name="initiative_number_unique_in_vision",
                violation_error_message="同じめざす姿に同じ番号の主な取組みがすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        if not self.number.strip():
            raise ValidationError({"number": "番号を入力してください。"})
