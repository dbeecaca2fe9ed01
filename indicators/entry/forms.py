"""Forms of the entry screens: they read what a person typed, normalise it and say in Japanese what is wrong.

Numbers go through value_input.parse_value (the one input rule) with the series' unit. The forms never write:
the views hand `series_values()` and `report_fields()` to indicators.entry.workflow, which checks versions and audits.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from indicators.entry.workflow import SeriesValue
from indicators.models import Actual, Indicator, Report, Series, Target
from setagaya_plan.core.fiscal_years import fiscal_year_label
from setagaya_plan.core.models import Section
from setagaya_plan.lib.numerals import format_decimal, format_value, to_half_width
from setagaya_plan.lib.value_input import ValueRules, parse_value, plausibility_issue

TEXT_MAX_LENGTH = 4000
MAX_VERSION = 2_147_483_647  # Report.version is a PositiveIntegerField


class ActualValueField(forms.CharField):
    """A typed number, read with the series' unit by value_input.parse_value (full width, 1,234, 12.5%, △5 …)."""

    def __init__(self, *, rules: ValueRules, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.rules = rules

    def clean(self, value):
        return parse_value(super().clean(value), self.rules)


@dataclass
class ActualLine:
    """One series of an indicator in one year, with what the person needs beside its input."""

    series: Series
    fiscal_year: int
    field_name: str
    target: Target | None
    current: Actual | None
    previous: Actual | None
    takes_text: bool

    @property
    def part_label(self) -> str:
        """a) 多摩川洪水浸水想定区域内, 累計整備数, or "" for the whole indicator."""
        return self.series.part_label

    @property
    def label(self) -> str:
        """The visible label: indicator, part and year, e.g. 「…の実施回数 令和6年度（2024年度）実績」."""
        return actual_label(self.series, self.fiscal_year)

    @property
    def unit(self) -> str:
        return self.series.effective_unit

    @property
    def target_display(self) -> str:
        return target_display(self.target, self.series)

    @property
    def baseline_display(self) -> str:
        series = self.series
        if series.baseline_value is not None:
            text = format_value(series.baseline_value, self.unit)
            return f"{text}（{series.baseline_note}）" if series.baseline_note else text
        return series.baseline_text or "―"

    @property
    def previous_display(self) -> str:
        if self.previous is None or (self.previous.value is None and not self.previous.text):
            return "―"
        if self.previous.value is not None:
            return format_value(self.previous.value, self.unit)
        return self.previous.text

    @property
    def current_display(self) -> str:
        if self.current is None or (self.current.value is None and not self.current.text):
            return "―"
        if self.current.value is not None:
            return format_value(self.current.value, self.unit)
        return self.current.text

    @property
    def reference_target(self) -> Decimal | None:
        """The target one year's value is compared with: a summed multi-year cell counts per year."""
        target = self.target
        if target is None or target.value is None:
            return None
        if target.is_multi_year and self.series.effective_total_kind == Indicator.TotalKind.SUM:
            return target.value / len(target.years)
        return target.value

    @property
    def initial(self) -> str:
        if self.current is None:
            return ""
        if self.takes_text:
            return self.current.text
        return "" if self.current.value is None else format_decimal(self.current.value)


def actual_label(series: Series, fiscal_year: int) -> str:
    names = [series.indicator.name, series.part_label]
    return "　".join(name for name in names if name) + f"　{fiscal_year_label(fiscal_year)}実績"


def target_display(target: Target | None, series: Series) -> str:
    if target is None:
        return "―"
    if target.is_deferred:
        return f"{target.deferred_to}（他計画で設定）"
    if target.value is not None:
        text = format_value(target.value, series.effective_unit)
    else:
        text = target.text
    if target.is_multi_year:
        kind = "の合計" if series.effective_total_kind == Indicator.TotalKind.SUM and target.value is not None else ""
        text += f"（{target.years_label}{kind}）"
    return text


def takes_text_actual(series: Series, fiscal_year: int) -> bool:
    """A series is reported in words when its target for the year is words, or the indicator has no numbers."""
    target = series.target_for(fiscal_year)
    if target is not None and target.value is not None:
        return False
    if target is not None and target.text:
        return True
    return not series.indicator.is_numeric


def value_rules(series: Series) -> ValueRules:
    # Counts and rates are never negative; a series whose printed numbers include a negative one may be.
    printed = [series.baseline_value, series.total_value, *(t.value for t in series.targets.all())]
    return ValueRules(unit=series.effective_unit, allow_negative=any(v is not None and v < 0 for v in printed))


def actual_lines(indicator: Indicator, fiscal_year: int, report: Report | None, previous: Report | None):
    lines = []
    for series in indicator.series.all():
        lines.append(
            ActualLine(
                series=series,
                fiscal_year=fiscal_year,
                field_name=f"actual_{series.pk}",
                target=series.target_for(fiscal_year),
                current=report.actual_for(series) if report else None,
                previous=previous.actual_for(series) if previous else None,
                takes_text=takes_text_actual(series, fiscal_year),
            )
        )
    return lines


NUMBER_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", "class": "input-number"}


class ActualsForm(forms.Form):
    """The actuals of one indicator × year, and the confirming comment that unusual values need.

    Shared by the entry page (one indicator) and the grid (one row per indicator).
    """

    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput)
    comment = forms.CharField(
        label="確認コメント（庁内）",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="大きく外れた値や、相談件数からの提案値と異なる値の理由など。公開しません。",
    )

    def __init__(
        self,
        data=None,
        *,
        indicator: Indicator,
        fiscal_year: int,
        report: Report | None,
        previous: Report | None,
        proposal=None,
        prefix: str | None = None,
    ):
        self.indicator = indicator
        self.fiscal_year = fiscal_year
        self.report = report
        self.proposal = proposal
        self.lines = actual_lines(indicator, fiscal_year, report, previous)
        self.warnings: dict[str, str] = {}
        initial = {"version": report.version if report else 0, "comment": report.comment if report else ""}
        initial.update({line.field_name: line.initial for line in self.lines})
        super().__init__(data, initial=initial, prefix=prefix)
        year_label = fiscal_year_label(fiscal_year)
        self.fields["comment"].label = f"{year_label} 確認コメント（庁内）"
        for line in self.lines:
            if line.takes_text:
                field = forms.CharField(
                    required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
                )
            else:
                field = ActualValueField(rules=value_rules(line.series), widget=forms.TextInput(attrs=NUMBER_ATTRS))
            field.label = line.label
            field.help_text = self._hint(line)
            self.fields[line.field_name] = field
        self.order_fields([line.field_name for line in self.lines])

    def _hint(self, line: ActualLine) -> str:
        if line.takes_text:
            return f"目標：{line.target_display}。文章で入力してください。"
        unit = f"単位：{line.unit}。" if line.unit else ""
        previous = f"前年度の実績：{line.previous_display}。"
        return f"{unit}目標：{line.target_display}。{previous}全角の数字やカンマも使えます。"

    @property
    def proposal_line(self) -> ActualLine | None:
        """The series a proposed actual is for: the whole indicator, else its first numeric part."""
        numeric = [line for line in self.lines if not line.takes_text]
        for line in numeric:
            if line.series.key == "":
                return line
        return numeric[0] if numeric else None

    def clean(self):
        cleaned = super().clean()
        comment = (cleaned.get("comment") or "").strip()
        for line in self.lines:
            if line.takes_text or line.field_name in self.errors:
                continue
            value = cleaned.get(line.field_name)
            previous = line.previous.value if line.previous else None
            issue = plausibility_issue(value, target=line.reference_target, previous=previous)
            if issue:
                self.warnings[line.field_name] = issue
                if not comment:
                    self.add_error("comment", f"{line.part_label or '実績'}：{issue}")
        line = self.proposal_line
        if self.proposal is not None and line is not None and line.field_name not in self.errors:
            value = cleaned.get(line.field_name)
            if value is not None and value != self.proposal.value:
                issue = (
                    f"{self.proposal.source_label}からの提案値（{format_value(self.proposal.value, line.unit)}）と"
                    "異なります。理由を確認コメントに入力してください。"
                )
                self.warnings[line.field_name] = issue
                if not comment:
                    self.add_error("comment", issue)
        self._describe_warnings()
        return cleaned

    def _describe_warnings(self) -> None:
        # Django links help text and errors by itself, but only when the widget names no aria-describedby of its
        # own; a warned field names all three.
        for name in self.warnings:
            bound = self[name]
            ids = [f"{bound.auto_id}_helptext"] if bound.help_text else []
            ids.append(f"{bound.auto_id}_warning")
            if name in self.errors:
                ids.append(f"{bound.auto_id}_error")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

    def line_fields(self):
        """(line, bound field, warning) for each series, for templates that lay them out beside their targets."""
        return [(line, self[line.field_name], self.warnings.get(line.field_name, "")) for line in self.lines]

    def series_values(self) -> dict[str, SeriesValue]:
        """Each series' new actual. What the form does not show (a number beside a text) is kept as it was."""
        values = {}
        for line in self.lines:
            typed = self.cleaned_data.get(line.field_name)
            old_value = line.current.value if line.current else None
            old_text = line.current.text if line.current else ""
            if line.takes_text:
                values[line.series.key] = SeriesValue(value=old_value, text=typed or "")
            else:
                values[line.series.key] = SeriesValue(value=typed, text=old_text)
        return values

    def report_fields(self) -> dict[str, str]:
        return {"comment": self.cleaned_data.get("comment", "")}


class EntryForm(ActualsForm):
    """The entry page: actuals, 自己評価 for text targets, 要因分析, 今後の方向性 and the confirming comment.

    `action` is the button pressed: "save" keeps a draft; "submit" also needs everything submission needs, checked
    here on the typed values so that errors stand beside their fields (the workflow checks again when it submits).
    """

    factor_analysis = forms.CharField(
        label="要因分析",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="目標に対する実績の要因。目標に届かなかったときは提出に必要です。",
    )
    next_steps = forms.CharField(
        label="今後の方向性",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="次年度以降の取組み。目標に届かなかったときは提出に必要です。",
    )

    def __init__(self, data=None, *, action: str = "save", **kwargs):
        self.action = action
        super().__init__(data, **kwargs)
        report = self.report
        year_label = fiscal_year_label(self.fiscal_year)
        self.initial["factor_analysis"] = report.factor_analysis if report else ""
        self.initial["next_steps"] = report.next_steps if report else ""
        self.fields["factor_analysis"].label = f"{year_label} 要因分析"
        self.fields["next_steps"].label = f"{year_label} 今後の方向性"
        if self.indicator.has_text_target(self.fiscal_year):
            self.fields["self_grade"] = forms.ChoiceField(
                label=f"{year_label} 自己評価",
                choices=Report.SelfGrade.choices,
                required=False,
                widget=forms.RadioSelect,
                help_text="文章の目標に対する達成度を選んでください。提出に必要です。",
            )
            self.initial["self_grade"] = report.self_grade if report else ""
        self.order_fields([line.field_name for line in self.lines] + ["self_grade", "factor_analysis", "next_steps"])

    def clean(self):
        cleaned = super().clean()
        if self.action == "submit":
            self._check_complete(cleaned)
        return cleaned

    def _check_complete(self, cleaned) -> None:
        misses_target = False
        for line in self.lines:
            if line.field_name in self.errors:
                continue
            typed = cleaned.get(line.field_name)
            if typed in (None, "") and line.series.expects_actual(self.fiscal_year):
                self.add_error(line.field_name, "提出するには実績を入力してください。")
            elif not line.takes_text and line.series.misses_target(self.fiscal_year, typed):
                misses_target = True
        grade = cleaned.get("self_grade", "")
        if "self_grade" in self.fields and not grade:
            self.add_error("self_grade", "提出するには自己評価を選んでください。")
        if misses_target or grade in (Report.SelfGrade.MOSTLY, Report.SelfGrade.NOT_MET):
            reason = "目標に届いていないため" if misses_target else "自己評価が「達成」ではないため"
            if not cleaned.get("factor_analysis", "").strip():
                self.add_error("factor_analysis", f"{reason}、提出には要因分析が必要です。")
            if not cleaned.get("next_steps", "").strip():
                self.add_error("next_steps", f"{reason}、提出には今後の方向性が必要です。")

    def report_fields(self) -> dict[str, str]:
        fields = {
            "comment": self.cleaned_data.get("comment", ""),
            "factor_analysis": self.cleaned_data.get("factor_analysis", ""),
            "next_steps": self.cleaned_data.get("next_steps", ""),
        }
        if "self_grade" in self.fields:
            fields["self_grade"] = self.cleaned_data.get("self_grade", "")
        return fields


class GridRowForm(ActualsForm):
    """One indicator's row in the section grid. Hidden `orig_*` fields hold what the page showed, so that only
    the rows a person changed are saved (an untouched row is never written, nor reported as a conflict)."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["comment"].widget = forms.TextInput(attrs={"autocomplete": "off"})
        self.fields["comment"].help_text = ""
        for line in self.lines:
            self.fields[line.field_name].help_text = ""
            if line.takes_text:
                self.fields[line.field_name].widget = forms.TextInput(attrs={"autocomplete": "off"})
            self.fields[f"orig_{line.field_name}"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.initial[f"orig_{line.field_name}"] = line.initial
        self.fields["orig_comment"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.initial["orig_comment"] = self.initial["comment"]

    def has_user_changes(self) -> bool:
        names = [line.field_name for line in self.lines] + ["comment"]
        return any(self._raw(name) != self._raw(f"orig_{name}") for name in names)

    def _raw(self, name: str) -> str:
        # Compared as typed, after width and space normalisation: "５" over a shown "5" is no change.
        return to_half_width(self.data.get(self.add_prefix(name)) or "").strip().replace(",", "")


class ReviewForm(forms.Form):
    """承認者: approve a submitted report, or return it with a reason."""

    DECISIONS = (("approve", "承認"), ("return", "差戻し"))

    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="差戻し理由・承認コメント",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="差し戻すときは、何を直せばよいかを必ず入力してください。承認のときはコメントとして記録されます。",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "差し戻すときは理由を入力してください。")
        return cleaned


class ReopenForm(forms.Form):
    """計画担当: take back an approval so that the section can correct the report."""

    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput)
    reopen_reason = forms.CharField(
        label="再開の理由",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "再開する理由を入力してください。"},
        help_text="承認を取り消して所管課が修正できるようにします。理由は所管課に表示され、履歴に残ります。",
    )


class DeadlineField(forms.DateField):
    """A date typed as 2025-06-30, 2025/6/30 or with full-width digits (２０２５／６／３０)."""

    input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
    default_error_messages = {"invalid": "日付は 2025-06-30 や 2025/6/30 の形で入力してください。"}

    def to_python(self, value):
        if isinstance(value, str):
            value = to_half_width(value).replace("／", "/").strip()
        return super().to_python(value)


class DeadlineForm(forms.Form):
    deadline = DeadlineField(
        label="提出期限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=True
    )

    def __init__(self, *args, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiscal_year = fiscal_year
        self.fields["deadline"].label = f"{fiscal_year_label(fiscal_year)}の実績の提出期限"
        self.fields["deadline"].error_messages["required"] = "提出期限を入力してください。"

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= datetime.date(self.fiscal_year + 1, 3, 31):
            raise ValidationError("提出期限は年度の終わり（翌年3月31日）より後の日付にしてください。")
        return deadline


class LockForm(forms.Form):
    locked = forms.TypedChoiceField(
        choices=(("1", "締め切る"), ("0", "締切を解除する")), coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    lock_comment = forms.CharField(label="コメント", required=False, max_length=TEXT_MAX_LENGTH)


class AssignForm(forms.Form):
    """Bulk assignment of indicators to a section (plan data, not actuals: no version, logged in the admin log)."""

    indicators = forms.ModelMultipleChoiceField(
        label="指標",
        queryset=Indicator.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "割り当てる指標を一つ以上選んでください。",
            "invalid_choice": "選んだ指標（%(value)s）が見つかりません。画面を開き直してください。",
            "invalid_pk_value": "指標の指定が正しくありません。",
        },
    )
    section = forms.ModelChoiceField(
        label="割り当てる所管課",
        queryset=Section.objects.all(),
        empty_label="選んでください",
        error_messages={
            "required": "割り当てる所管課を選んでください。",
            "invalid_choice": "選んだ所管課が見つかりません。画面を開き直してください。",
        },
    )


def replace_data(form, **values) -> None:
    """Change some posted values of a bound form, keeping everything else the person typed."""
    form.data = form.data.copy()
    for name, value in values.items():
        form.data[form.add_prefix(name)] = value
