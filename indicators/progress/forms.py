"""Forms of the progress pages: the year selector, confirmed baselines and the evaluation settings."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from indicators.models import GradingScheme
from setagaya_plan.lib.numerals import plain_decimal
from setagaya_plan.lib.value_input import ValueRules, parse_value


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
        self.fields["year"].error_messages["invalid_choice"] = "年度は一覧から選んでください。"


class DashboardViewForm(forms.Form):
    """How the dashboard lists its 推進施策: in the plan's order or worst first, all or only those falling short."""

    sort = forms.ChoiceField(
        label="並び順",
        required=False,
        choices=[("plan", "計画の順"), ("shortfall", "注意の割合が高い順")],
    )
    show = forms.ChoiceField(
        label="表示する推進施策",
        required=False,
        choices=[("all", "すべて"), ("shortfall", "注意の指標がある推進施策だけ")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].error_messages["invalid_choice"] = f"{self.fields[name].label}は一覧から選んでください。"

    def choice(self, name: str) -> str:
        """The valid choice, else the first (a bad value in the address shows the default and says so)."""
        if self.is_valid() and self.cleaned_data.get(name):
            return self.cleaned_data[name]
        return self.fields[name].choices[0][0]


def mark_errors(form: forms.Form) -> None:
    """Link each error to its field for screen readers (aria-describedby, aria-invalid)."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name in form.fields:
            bound = form[name]
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{bound.auto_id}-error"


# Confirmed baselines (planners).


class BaselineForm(forms.Form):
    series = forms.ChoiceField(label="系列")
    value = forms.CharField(label="確定した現況値", max_length=40)
    note = forms.CharField(label="時点", max_length=100, initial="令和5年度実績（確定値）")
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        # The whole indicator's series has the empty key; the form calls it "main" so that choosing it is not "empty".
        self.series_by_key = {s.key or "main": s for s in indicator.series.all()}
        self.fields["series"].choices = [(key, s.label or "指標全体") for key, s in self.series_by_key.items()]
        self.fields["reason"].error_messages["required"] = "理由を入力してください。"
        self.fields["series"].error_messages["invalid_choice"] = "系列は一覧から選んでください。"
        self.fields["value"].help_text = "数値で入力してください（全角数字・桁区切り・単位付きも可）。"
        self.fields["reason"].help_text = "例：令和5年度の実績が確定したため（見込み値 6,358件 → 確定値）。"

    def clean(self):
        cleaned = super().clean()
        series = self.series_by_key.get(cleaned.get("series"))
        if series is not None and "value" in cleaned:
            try:
                value = parse_value(cleaned["value"], ValueRules(unit=series.effective_unit))
            except ValidationError as error:
                self.add_error("value", error)
            else:
                if value is None:
                    self.add_error("value", "確定した現況値を入力してください。")
                cleaned["value"] = value
        if "reason" in cleaned and not cleaned["reason"].strip():
            self.add_error("reason", "理由を入力してください。")
        return cleaned


# Evaluation settings (planners).


class ActivateForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label="使用する評価方式", queryset=GradingScheme.objects.all(), widget=forms.RadioSelect, empty_label=None
    )
    reason = forms.CharField(label="変更の理由", max_length=1000, required=False)


def _percent(raw: str, label: str) -> Decimal:
    text = (raw or "").strip().rstrip("%％").strip()
    try:
        value = parse_value(text, ValueRules())
    except ValidationError as error:
        raise ValidationError(f"{label}：{error.messages[0]}") from None
    if value is None:
        raise ValidationError(f"{label}を入力してください。")
    if value > 1000:
        raise ValidationError(f"{label}は1000以下にしてください。")
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError(f"{label}は小数点以下1桁までで入力してください。")
    return value


class ThresholdForm(forms.Form):
    """Thresholds of one scheme's levels (all but the lowest) and its survey tolerance."""

    tolerance = forms.CharField(label="割合の許容幅（ポイント）", max_length=10)
    reason = forms.CharField(label="変更の理由", max_length=1000, required=False)

    def __init__(self, *args, scheme: GradingScheme, **kwargs):
        super().__init__(*args, prefix=f"s{scheme.pk}", **kwargs)
        self.scheme = scheme
        self.levels = list(scheme.levels.all())
        for level in self.levels[:-1]:
            self.fields[f"level_{level.code}"] = forms.CharField(
                label=f"{level.label}（％以上）",
                max_length=10,
                initial=_plain(level.min_rate),
            )
        self.fields["tolerance"].initial = _plain(scheme.survey_tolerance)
        self.fields["tolerance"].help_text = "単位が％の指標で、現況値からこの幅までの低下は後退としません。"
        self.order_fields([f"level_{level.code}" for level in self.levels[:-1]] + ["tolerance", "reason"])

    def clean(self):
        cleaned = super().clean()
        thresholds = {}
        for level in self.levels[:-1]:
            name = f"level_{level.code}"
            if name in cleaned:
                try:
                    thresholds[level.code] = _percent(cleaned[name], f"{level.label}のしきい値")
                except ValidationError as error:
                    self.add_error(name, error)
        if "tolerance" in cleaned:
            try:
                tolerance = _percent(cleaned["tolerance"], "許容幅")
            except ValidationError as error:
                self.add_error("tolerance", error)
            else:
                if tolerance > 50:
                    self.add_error("tolerance", "許容幅は50ポイント以下にしてください。")
                cleaned["tolerance"] = tolerance
        cleaned["thresholds"] = thresholds
        if not self.errors and len(thresholds) == len(self.levels) - 1:
            values = [thresholds[level.code] for level in self.levels[:-1]]
            for index, (higher, lower) in enumerate(itertools.pairwise(values)):
                if lower >= higher:
                    self.add_error(
                        f"level_{self.levels[index + 1].code}",
                        f"{self.levels[index].label}のしきい値（{_plain(higher)}％）より小さくしてください。",
                    )
        return cleaned


def _plain(value: Decimal | None) -> str:
    return "" if value is None else plain_decimal(value)
