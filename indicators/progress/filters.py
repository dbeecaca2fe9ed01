"""Filters of the indicator list (django-filter).

Everything filters the database query: plan place, kind, section, 実施計画 施策 and free text on the indicators, the
grade on the stored official grade of the chosen year (indicators.models.Grade, joined as `year_grade`), so the
list pages and sorts in SQL whatever the plan's size.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from indicators.evaluation import Scheme, Status, rank_of
from indicators.models import ImplementationPlanItem, Indicator
from indicators.models.grades import key_condition
from measures.models import Goal, Measure, Vision
from setagaya_plan.core.models import Section

ATTENTION = "attention"
REGRESSED = "regressed"


def grade_choices(scheme: Scheme) -> list[tuple[str, str]]:
    return [
        (ATTENTION, "注意（未達の評価または後退）"),
        (REGRESSED, "後退"),
        *[(level.code, f"{level.icon} {level.label}") for level in scheme.levels],
        *[(status.value, status.label) for status in Status if status != Status.GRADED],
    ]


def grade_condition(wanted: str, scheme: Scheme, today: datetime.date) -> Q:
    """The grade filter on indicators joined with their year's grade (IndicatorQuerySet.with_year_grade)."""
    if wanted == ATTENTION:
        return Q(year_grade__needs_attention=True)
    if wanted == REGRESSED:
        return Q(year_grade__regressed=True)
    levels = {level.code for level in scheme.levels}
    return key_condition(wanted, today, is_level=wanted in levels, prefix="year_grade__")


def with_grade_columns(indicators, scheme: Scheme, today: datetime.date):
    """What the list sorts by, from the year's stored grade: its order (a 集計中 past its deadline sorts as 未入力),
    達成率, 進捗率 and the target it was judged against."""
    missing = rank_of(Status.MISSING, scheme)
    return indicators.annotate(
        grade_rank=Case(
            When(year_grade__status=Status.PENDING, year_grade__missing_after__lt=today, then=Value(missing)),
            default=F("year_grade__rank"),
            output_field=IntegerField(),
        ),
        grade_achievement=F("year_grade__achievement"),
        grade_progress=F("year_grade__progress"),
        grade_target=F("year_grade__target_value"),
    )


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class FilterSelect(forms.Select):
    """A <select> with the very markup of Django's select.html and select_option.html, written here from the
    choices instead of by the template engine and Django's option dictionaries (`optgroups`): the filter form lists
    every 推進施策 and めざす姿 of the plan, and building each option through them costs more than the rest of the
    page once the plan grows."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        final_attrs = self.build_attrs(self.attrs, attrs)
        parts = [f'<select name="{conditional_escape(name)}"{_attributes(final_attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            grouped = isinstance(option_label, (list, tuple))
            if grouped:
                parts.append(format_html('\n  <optgroup label="{}">', option_value))
            for subvalue, sublabel in option_label if grouped else [(option_value, option_label)]:
                text = "" if subvalue is None else str(subvalue)
                selected = not has_selected and text in chosen  # as Django: the first match of a single select
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{conditional_escape(text)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(sublabel)}</option>\n"
                )
            if grouped:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the form renderer strips the template's last newline
        return mark_safe("".join(parts))


# The most 推進施策 or めざす姿 a filter select lists at once (IndicatorFilter._narrow_plan_choices).
CHOICES_AT_ONCE = 100


def _pk(value) -> int | None:
    """A chosen option's key as the query gives it, or None (nothing chosen, or not a key: the form says so)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class IndicatorFilter(django_filters.FilterSet):
    year = django_filters.TypedChoiceFilter(label="年度", method="keep", coerce=int, widget=FilterSelect)
    goal = django_filters.ModelChoiceFilter(
        label="基本目標",
        queryset=Goal.objects.order_by("number"),
        method="in_goal",
        empty_label="すべて",
        widget=FilterSelect,
    )
    measure = django_filters.ModelChoiceFilter(
        label="推進施策",
        queryset=Measure.objects.in_plan_order(),
        method="in_measure",
        empty_label="すべて",
        widget=FilterSelect,
    )
    vision = django_filters.ModelChoiceFilter(
        label="めざす姿",
        queryset=Vision.objects.select_related("measure__goal").order_by(
            "measure__goal__number", "measure__number", "number"
        ),
        method="in_vision",
        empty_label="すべて",
        widget=FilterSelect,
    )
    kind = django_filters.ChoiceFilter(
        label="種別", choices=Indicator.Kind.choices, empty_label="すべて", widget=FilterSelect
    )
    grade = django_filters.ChoiceFilter(label="評価", method="keep", empty_label="すべて", widget=FilterSelect)
    section = django_filters.ModelChoiceFilter(
        label="所管課", queryset=Section.objects.order_by("name"), empty_label="すべて", widget=FilterSelect
    )
    plan_item = django_filters.ModelChoiceFilter(
        label="実施計画 施策",
        field_name="plan_items",
        queryset=ImplementationPlanItem.objects.order_by("code"),
        empty_label="すべて",
        widget=FilterSelect,
    )
    q = django_filters.CharFilter(
        label="キーワード",
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "名称・コード・主な取組み", "type": "search"}),
    )

    class Meta:
        model = Indicator
        fields: list[str] = []

    def __init__(self, *args, scheme: Scheme, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = years
        self.filters["grade"].extra["choices"] = grade_choices(scheme)
        self.form.fields["vision"].label_from_instance = lambda v: f"{v.measure.label} めざす姿{v.number}"
        self.form.fields["measure"].label_from_instance = lambda m: f"{m.label} {m.title}"
        self.form.fields["plan_item"].label_from_instance = lambda item: f"施策{item.code}"
        self._narrow_plan_choices()

    def _narrow_plan_choices(self) -> None:
        """A select lists every 推進施策 and めざす姿 while there are at most `CHOICES_AT_ONCE` of them (the real plan:
        17 and a few dozen). A plan many times larger (bench/ copies 基本目標1 a hundred times) would put thousands
        of options on every request of the list: then the 推進施策 of the chosen 基本目標 are listed, and the めざす姿
        of the chosen 推進施策 — always with the one already chosen, so a link naming it (the dashboard's) works."""
        sizes = Goal.objects.aggregate(
            n_measures=Count("measures", distinct=True), n_visions=Count("measures__visions")
        )
        data = self.data or {}
        steps = (
            ("measure", sizes["n_measures"], "goal", "基本目標を選ぶと、その推進施策から選べます。"),
            ("vision", sizes["n_visions"], "measure", "推進施策を選ぶと、そのめざす姿から選べます。"),
        )
        for name, size, parent, help_text in steps:
            if size <= CHOICES_AT_ONCE:
                continue
            field = self.form.fields[name]
            field.queryset = field.queryset.filter(Q(**{parent: _pk(data.get(parent))}) | Q(pk=_pk(data.get(name))))
            field.help_text = help_text
            field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def keep(self, queryset, name, value):
        # Applied by the view: the year selects what is shown and which year's grade is joined and filtered.
        return queryset

    def in_goal(self, queryset, name, value):
        return queryset.filter(Q(vision__measure__goal=value) | Q(relistings__vision__measure__goal=value)).distinct()

    def in_measure(self, queryset, name, value):
        return queryset.filter(Q(vision__measure=value) | Q(relistings__vision__measure=value)).distinct()

    def in_vision(self, queryset, name, value):
        return queryset.filter(Q(vision=value) | Q(relistings__vision=value)).distinct()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(initiative__title__icontains=value)
            | Q(footnotes__icontains=value)
        )
