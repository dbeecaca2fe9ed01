"""相談支援: places (5 地域, 28 地区), consultation windows and agencies, consultation counts, and the plan's
historical statistics.

* Places and the registry are master data loaded with the plan (`consultations.services.load_master_data`).
* A consultation count is one number: window or agency × place × month (or whole fiscal year) × category. Counts
  of one place and one month form a CountReport, which is what a 地区's staff enter as a grid and what the
  reviewing section approves. They change only through `consultations.workflow` (built on the review workflow
  of setagaya_plan.core.review), which records every change in the audit trail and checks the version the
  person started from, as indicator actuals do.
* Historical statistics (StatTable → StatSeries → StatValue) are the figures printed in the plan's 現状 sections,
  kept exactly as printed; a rate and a count are different kinds of series.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from indicators.models import Indicator
from setagaya_plan.core.access import Role, is_planner, sections_of
from setagaya_plan.core.fiscal_years import era_year, fiscal_year_label
from setagaya_plan.core.fiscal_years import month_label as fiscal_month_label
from setagaya_plan.core.models import ReviewedRecord, Section

# The month of a count kept for the whole fiscal year only (other counts have a month of FISCAL_MONTHS).
WHOLE_YEAR = 0
# The cap on one cell. A 地区's window counts hundreds a month; the ward's busiest line prints 221,115 for a
# whole year. Seven digits leave room and catch a mistyped extra zero run.
MAX_COUNT = 9_999_999


def month_label(fiscal_year: int, month: int) -> str:
    """2025年1月 for month 1 of FY2024; 年度計 for a whole-year count."""
    if month == WHOLE_YEAR:
        return "年度計"
    return fiscal_month_label(fiscal_year, month)


def period_label(fiscal_year: int, month: int) -> str:
    """令和6年度（2024年度） 2025年1月: the heading of a report."""
    return f"{fiscal_year_label(fiscal_year)} {month_label(fiscal_year, month)}"


class Area(models.Model):
    """地域: one of the 5 areas, each with its 総合支所 and 保健福祉センター backing up its 地区."""

    code = models.SlugField("コード", max_length=30, unique=True)
    name = models.CharField(
        "地域名", max_length=30, unique=True, help_text="「世田谷」「北沢」など（「地域」は付けない）"
    )
    position = models.PositiveSmallIntegerField("表示順", default=0)
    reviewing_section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_areas",
        verbose_name="相談件数を確認する所管課",
        help_text="この所管課の承認者が、地域内の地区の相談件数を承認・差戻しします（計画担当はすべて可）。",
    )

    class Meta:
        verbose_name = "地域"
        verbose_name_plural = "地域"
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.name}地域"

    @property
    def office_name(self) -> str:
        return f"{self.name}総合支所"


class District(models.Model):
    """地区: one of the 28, each with a まちづくりセンター and a 「福祉の相談窓口」."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="districts", verbose_name="地域")
    code = models.SlugField("コード", max_length=30, unique=True)
    name = models.CharField("地区名", max_length=30, unique=True, help_text="「池尻」など（「地区」は付けない）")
    position = models.PositiveSmallIntegerField("表示順", default=0)
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_districts",
        verbose_name="入力する組織",
        help_text="この組織（所管課）の入力担当が、この地区の相談件数を入力します。閲覧の役割の人は見るだけです。",
    )

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.name}地区"


class WindowType(models.Model):
    """A kind of consultation window found in every 地区 (まちづくりセンター, あんしんすこやかセンター, …)."""

    code = models.SlugField("コード", max_length=30, unique=True)
    name = models.CharField("窓口名", max_length=60, unique=True)
    full_name = models.CharField("正式名・別名", max_length=100, blank=True, help_text="地域包括支援センター など")
    welfare_window = models.BooleanField(
        "「福祉の相談窓口」を担う",
        default=False,
        help_text="まちづくりセンター・あんしんすこやかセンター・社会福祉協議会の三者",
    )
    description = models.TextField("説明", blank=True)
    position = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "相談窓口の種類"
        verbose_name_plural = "相談窓口の種類"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """相談支援機関 of the plan's registry tables (包括的相談支援事業 and 多機関協働事業), as printed."""

    class Program(models.TextChoices):
        COMPREHENSIVE = "comprehensive", "包括的相談支援事業"
        COLLABORATION = "collaboration", "多機関協働事業"

    class Scope(models.TextChoices):
        DISTRICT = "district", "地区ごと"
        AREA = "area", "地域ごと"
        WARD = "ward", "全区"
        MIXED = "mixed", "全区と地域ごと"

    class Operation(models.TextChoices):
        ENTRUSTED = "entrusted", "委託"
        DIRECT = "direct", "直営"
        DESIGNATED = "designated", "指定管理"

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("相談支援機関名", max_length=100)
    glossary_mark = models.BooleanField("用語解説あり（＊）", default=False)
    program = models.CharField("事業", max_length=20, choices=Program.choices)
    main_field = models.CharField("主な相談内容", max_length=60, blank=True)
    members = models.CharField("構成", max_length=200, blank=True, help_text="表で名称の下に書かれた部署・機関")
    site_count = models.PositiveSmallIntegerField("設置拠点数")
    scope = models.CharField("圏域", max_length=10, choices=Scope.choices)
    scope_text = models.CharField("圏域（印刷どおり）", max_length=100, help_text="全地区に１か所 など")
    operation = models.CharField("運営形態", max_length=12, choices=Operation.choices)
    window_type = models.ForeignKey(
        WindowType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name="相談窓口としての種類",
        help_text="地区の窓口でもある機関（あんしんすこやかセンター）。件数は窓口として地区ごとに入力します。",
    )
    position = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "相談支援機関"
        verbose_name_plural = "相談支援機関"
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"],
                name="agency_name_unique_in_program",
                violation_error_message="同じ事業に同じ名称の相談支援機関がすでにあります。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sites_label(self) -> str:
        return f"{self.site_count}箇所（{self.scope_text}）"

    @property
    def count_level(self) -> str:
        """Where its counts are recorded: per 地区, per 地域, or once for the ward (mixed sites count ward-wide)."""
        if self.scope in (self.Scope.DISTRICT, self.Scope.AREA):
            return self.scope
        return self.Scope.WARD


class CategoryQuerySet(models.QuerySet):
    def active(self) -> CategoryQuerySet:
        return self.filter(active=True)


class Category(models.Model):
    """相談の分類 (高齢, 障害, 子ども・子育て …): data that planners extend, not code."""

    code = models.SlugField(
        "コード", max_length=40, unique=True, help_text="英数字とハイフン。取込ファイルでは分類名を使います。"
    )
    name = models.CharField("分類名", max_length=60, unique=True)
    description = models.CharField("説明", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("表示順", default=0)
    active = models.BooleanField("入力に使う", default=True, help_text="使わなくなった分類は削除せず、外します。")

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = "相談の分類"
        verbose_name_plural = "相談の分類"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class CountReportQuerySet(models.QuerySet):
    def at_place(self, district: District | None = None, area: Area | None = None) -> CountReportQuerySet:
        """Reports of one place: a 地区, a 地域 (agencies per 地域), or the ward (both None)."""
        if district is not None:
            return self.filter(district=district)
        if area is not None:
            return self.filter(area=area, district__isnull=True)
        return self.filter(area__isnull=True, district__isnull=True)

    def awaiting_review_by(self, user) -> CountReportQuerySet:
        submitted = self.filter(status=CountReport.Status.SUBMITTED)
        if is_planner(user):
            return submitted
        return submitted.filter(district__area__reviewing_section__in=sections_of(user, Role.APPROVER))


class CountReport(ReviewedRecord):
    """相談件数報告: the counts of one place for one month (or a whole fiscal year), moving through review.

    下書き → 提出済 → 承認済, or 差戻し → corrected → 提出済, like indicator actuals (core.ReviewedRecord). Only
    approved counts feed indicators.
    """

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name="地区"
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="地域",
        help_text="地域ごとの相談支援機関の件数のとき。地区の報告では空欄。",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月", help_text="1–12。0 は年度計（月別でない件数）。")

    objects = CountReportQuerySet.as_manager()

    class Meta:
        verbose_name = "相談件数報告"
        verbose_name_plural = "相談件数報告"
        ordering = ["fiscal_year", "month", "district__position", "area__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__lte=12), name="count_report_month_range", violation_error_message="月は1–12です。"
            ),
            models.CheckConstraint(
                condition=Q(district__isnull=True) | Q(area__isnull=True),
                name="count_report_one_place",
                violation_error_message="地区と地域の両方は指定できません。",
            ),
            # One report per place and period. NULLs never compare equal, so each kind of place has its own rule.
            models.UniqueConstraint(
                fields=["district", "fiscal_year", "month"],
                condition=Q(district__isnull=False),
                name="count_report_once_per_district",
                violation_error_message="この地区のこの月の報告はすでにあります。",
            ),
            models.UniqueConstraint(
                fields=["area", "fiscal_year", "month"],
                condition=Q(area__isnull=False),
                name="count_report_once_per_area",
                violation_error_message="この地域のこの月の報告はすでにあります。",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "month"],
                condition=Q(area__isnull=True, district__isnull=True),
                name="count_report_once_for_ward",
                violation_error_message="全区のこの月の報告はすでにあります。",
            ),
        ]
        indexes = [
            # Roll-ups and the entry calendar: every report of a fiscal year, by status.
            models.Index(fields=["fiscal_year", "status"], name="count_report_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.place_label} {self.period_label}"

    @property
    def place_label(self) -> str:
        if self.district_id:
            return str(self.district)
        if self.area_id:
            return str(self.area)
        return "全区"

    @property
    def period_label(self) -> str:
        return period_label(self.fiscal_year, self.month)

    @property
    def place_slug(self) -> str:
        """The place part of the entry URL: a 地区 code, area-<code>, or ward."""
        if self.district_id:
            return self.district.code
        if self.area_id:
            return f"area-{self.area.code}"
        return "ward"

    @property
    def level(self) -> str:
        if self.district_id:
            return Agency.Scope.DISTRICT
        if self.area_id:
            return Agency.Scope.AREA
        return Agency.Scope.WARD

    @property
    def reviewing_area(self) -> Area | None:
        return self.district.area if self.district_id else self.area


class CountQuerySet(models.QuerySet):
    def approved(self) -> CountQuerySet:
        return self.filter(report__status=CountReport.Status.APPROVED)

    def for_year(self, fiscal_year: int) -> CountQuerySet:
        return self.filter(report__fiscal_year=fiscal_year)

    def total(self) -> int:
        return self.aggregate(total=Coalesce(Sum("count"), 0))["total"]

    def _grouped(self, *fields: str) -> dict:
        rows = self.order_by().values(*fields).annotate(total=Sum("count"))
        if len(fields) == 1:
            return {row[fields[0]]: row["total"] for row in rows}
        return {tuple(row[f] for f in fields): row["total"] for row in rows}

    def by_year(self) -> dict[int, int]:
        return self._grouped("report__fiscal_year")

    def by_month(self) -> dict[int, int]:
        """Month (1–12, 0 for whole-year counts) → total."""
        return self._grouped("report__month")

    def by_area(self) -> dict[int | None, int]:
        """Area id → total of its 地区 and of the agencies counted per 地域; None → agencies counted ward-wide."""
        return self.annotate(place_area=Coalesce("report__district__area", "report__area"))._grouped("place_area")

    def by_source(self) -> dict[tuple[int | None, int | None], int]:
        """(window id, agency id) → total."""
        return self._grouped("window", "agency")

    def by_category(self) -> dict[int, int]:
        return self._grouped("category")


class ConsultationCount(models.Model):
    """One number: window or agency × the report's place and period × category → count."""

    report = models.ForeignKey(CountReport, on_delete=models.CASCADE, related_name="counts", verbose_name="報告")
    window = models.ForeignKey(
        WindowType, on_delete=models.PROTECT, null=True, blank=True, related_name="counts", verbose_name="相談窓口"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="counts", verbose_name="相談支援機関"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="counts", verbose_name="分類")
    count = models.PositiveIntegerField("件数")

    objects = CountQuerySet.as_manager()

    class Meta:
        verbose_name = "相談件数"
        verbose_name_plural = "相談件数"
        ordering = ["report", "window__position", "agency__position", "category__position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(window__isnull=False) & Q(agency__isnull=True))
                | (Q(window__isnull=True) & Q(agency__isnull=False)),
                name="count_has_one_source",
                violation_error_message="相談窓口か相談支援機関のどちらか一つを指定してください。",
            ),
            models.CheckConstraint(
                condition=Q(count__lte=MAX_COUNT),
                name="count_within_cap",
                violation_error_message=f"件数は{MAX_COUNT:,}件までです。",
            ),
            models.UniqueConstraint(
                fields=["report", "window", "category"],
                condition=Q(window__isnull=False),
                name="count_once_per_window_category",
                violation_error_message="この報告にはこの窓口・分類の件数がすでにあります。",
            ),
            models.UniqueConstraint(
                fields=["report", "agency", "category"],
                condition=Q(agency__isnull=False),
                name="count_once_per_agency_category",
                violation_error_message="この報告にはこの機関・分類の件数がすでにあります。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.source} {self.category}: {self.count}"

    @property
    def source(self) -> WindowType | Agency:
        return self.window if self.window_id else self.agency


class IndicatorFeed(models.Model):
    """An indicator whose actual is proposed from approved consultation counts (feeds.proposal_for)."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="consultation_feed", verbose_name="指標"
    )
    windows = models.ManyToManyField(WindowType, blank=True, related_name="feeds", verbose_name="相談窓口")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="feeds", verbose_name="相談支援機関")
    categories = models.ManyToManyField(
        Category, blank=True, related_name="feeds", verbose_name="分類", help_text="空欄ならすべての分類"
    )
    active = models.BooleanField("使う", default=True, help_text="外すと入力画面に提案値を出しません。")
    note = models.CharField("メモ", max_length=200, blank=True)

    class Meta:
        verbose_name = "指標の集計元（相談件数）"
        verbose_name_plural = "指標の集計元（相談件数）"
        ordering = ["indicator__code"]

    def __str__(self) -> str:
        return f"{self.indicator.code} ← 相談件数"

    def counts(self) -> CountQuerySet:
        """The counts this indicator is made of (any status); callers narrow to approved ones and a year."""
        windows = [w.pk for w in self.windows.all()]
        agencies = [a.pk for a in self.agencies.all()]
        counts = ConsultationCount.objects.filter(Q(window__in=windows) | Q(agency__in=agencies))
        categories = [c.pk for c in self.categories.all()]
        if categories:
            counts = counts.filter(category__in=categories)
        return counts

    def source_label(self) -> str:
        names = [w.name for w in self.windows.all()] + [a.name for a in self.agencies.all()]
        categories = [c.name for c in self.categories.all()]
        label = "・".join(names) or "（相談先未設定）"
        return f"{label}の相談件数（{'・'.join(categories) if categories else 'すべての分類'}）"


class StatTable(models.Model):
    """A statistics table printed in the plan's 現状 sections (its caption, where it is printed, its notes)."""

    code = models.SlugField("コード", max_length=60, unique=True)
    title = models.CharField("表題", max_length=200)
    caption = models.CharField("印刷された見出し", max_length=200, blank=True, help_text="【…】の見出し。ない表は空欄")
    measure_number = models.PositiveSmallIntegerField("推進施策")
    vision_number = models.PositiveSmallIntegerField("めざす姿")
    part = models.CharField("掲載箇所", max_length=50, help_text="現状やこれまでの取組み／今後の課題")
    notes = models.TextField("注記（※）", blank=True, help_text="表の下に印刷された注記。1行に1つ。")
    position = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "計画書の統計表"
        verbose_name_plural = "計画書の統計表"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title

    @property
    def source_note(self) -> str:
        return f"出典：計画書 第4章 推進施策{self.measure_number} めざす姿{self.vision_number}「{self.part}」"

    def note_list(self) -> list[str]:
        return [line for line in self.notes.splitlines() if line.strip()]


class StatSeries(models.Model):
    """One printed line of figures, with its unit and the kind of period; a rate and a count never mix."""

    class Kind(models.TextChoices):
        COUNT = "count", "件数・人数"
        RATE = "rate", "割合"

    class PeriodKind(models.TextChoices):
        FISCAL_YEAR = "fiscal_year", "年度"
        CALENDAR_YEAR = "calendar_year", "年"

    table = models.ForeignKey(StatTable, on_delete=models.CASCADE, related_name="series", verbose_name="統計表")
    code = models.SlugField("コード", max_length=60, unique=True)
    group = models.CharField("行", max_length=100, blank=True, help_text="行と列の表（ほっとスクール）の行見出し")
    label = models.CharField("系列名", max_length=100)
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    unit = models.CharField("単位", max_length=10)
    decimal_places = models.PositiveSmallIntegerField(
        "小数の桁数", default=0, help_text="印刷どおりの桁（45.0％ は 1）"
    )
    period_kind = models.CharField(
        "期間の種類", max_length=15, choices=PeriodKind.choices, default=PeriodKind.FISCAL_YEAR
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_series",
        verbose_name="内数の元",
        help_text="（ ）で示された内数のとき、その元の系列",
    )
    note = models.TextField("注記", blank=True)
    position = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "計画書の統計系列"
        verbose_name_plural = "計画書の統計系列"
        ordering = ["table", "position"]

    def __str__(self) -> str:
        return f"{self.table.title}：{self.full_label}"

    @property
    def full_label(self) -> str:
        return f"{self.group} {self.label}" if self.group else self.label

    def clean(self) -> None:
        if self.kind == self.Kind.RATE and self.unit not in ("%", "％"):
            raise ValidationError({"unit": "割合の系列の単位は % です。"})
        if self.kind == self.Kind.COUNT and self.unit in ("%", "％"):
            raise ValidationError({"kind": "単位が % の系列は「割合」にしてください。"})

    def period_label(self, year: int) -> str:
        if self.period_kind == self.PeriodKind.CALENDAR_YEAR:
            return f"{era_year(year)}年（{year}年）"
        return fiscal_year_label(year)

    def format(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        return f"{value:,.{self.decimal_places}f}"


class StatValue(models.Model):
    """A printed figure: a number, or the printed mark where there is none (―)."""

    series = models.ForeignKey(StatSeries, on_delete=models.CASCADE, related_name="values", verbose_name="系列")
    year = models.PositiveSmallIntegerField("年度・年", help_text="西暦（年度は開始年: 2022 = 令和4年度）")
    value = models.DecimalField("値", max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.CharField("表記", max_length=20, blank=True, help_text="数値のない「―」など")
    mark = models.CharField("注記記号", max_length=10, blank=True, help_text="（※）など、値に付いた記号")

    class Meta:
        verbose_name = "計画書の統計値"
        verbose_name_plural = "計画書の統計値"
        ordering = ["series", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"],
                name="stat_value_once_per_year",
                violation_error_message="この系列にはこの年の値がすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""),
                name="stat_value_has_content",
                violation_error_message="値か表記（―など）を入力してください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}"

    def clean(self) -> None:
        if self.value is None or not self.series_id:
            return
        if self.series.kind == StatSeries.Kind.RATE and not (0 <= self.value <= 100):
            raise ValidationError({"value": "割合は0から100までです。"})
        if self.series.kind == StatSeries.Kind.COUNT and (self.value < 0 or self.value != self.value.to_integral()):
            raise ValidationError({"value": "件数・人数は0以上の整数です。"})

    @property
    def display(self) -> str:
        if self.value is None:
            return self.text
        return f"{self.series.format(self.value)}{self.series.unit}{self.mark}"
