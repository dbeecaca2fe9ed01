"""Forms of the consultations pages. Typed counts go through the shared input rule (value_input.parse_value)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from consultations.models import MAX_COUNT, Agency, Category, WindowType
from setagaya_plan.lib.value_input import ValueRules, parse_value

COUNT_RULES = ValueRules(unit="件", counted="相談件数")


def parse_count(raw) -> int | None:
    """A typed count (or a number cell): the one number rule with unit 件 (whole numbers, full width, 1,234, 12件 …),
    as int, or None when left empty; then the counts' own upper limit."""
    value = parse_value(raw, COUNT_RULES)
    if value is None:
        return None
    if value > MAX_COUNT:
        raise ValidationError(f"件数は{MAX_COUNT:,}件までです。桁を確認してください。", code="too_large")
    return int(value)


@dataclass(frozen=True)
class GridCell:
    source: WindowType | Agency
    category: Category

    @property
    def name(self) -> str:
        kind = "w" if isinstance(self.source, WindowType) else "a"
        return f"count-{kind}{self.source.pk}-c{self.category.pk}"


class CountGridForm(forms.Form):
    """The month's grid: one text box per (window or agency, category), plus the version it was built from."""

    version = forms.IntegerField(
        label="版",
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": "画面を開き直してください（版の情報がありません）。"},
    )
    comment = forms.CharField(
        label="コメント（任意）", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cells: list[GridCell], **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = cells
        for cell in cells:
            self.fields[cell.name] = forms.CharField(
                label=f"{cell.category.name}・{cell.source.name}", required=False, max_length=40
            )

    def clean(self):
        cleaned = super().clean()
        for cell in self.cells:
            if cell.name in self.errors:
                continue
            try:
                cleaned[cell.name] = parse_count(self.data.get(self.add_prefix(cell.name), ""))
            except ValidationError as error:
                self.add_error(cell.name, error)
        return cleaned

    def values(self) -> dict[tuple[WindowType | Agency, Category], int | None]:
        return {(cell.source, cell.category): self.cleaned_data.get(cell.name) for cell in self.cells}


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label="理由・コメント", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "description"]
        labels = {"name": "分類名", "description": "説明（任意）"}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("分類名を入力してください。")
        if Category.objects.filter(name=name).exists():
            raise ValidationError(f"分類「{name}」はすでにあります。")
        return name

    def save(self, commit=True):
        category = super().save(commit=False)
        # A stable code for files and URLs; names are Japanese, so a counter keeps it unique and readable.
        base = slugify(category.name) or "category"
        code, n = base, 1
        while Category.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        category.code = code
        last = Category.objects.order_by("-position").first()
        category.position = (last.position if last else 0) + 10
        if commit:
            category.save()
        return category
