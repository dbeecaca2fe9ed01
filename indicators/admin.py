from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from indicators.evaluation import refresh_grades
from indicators.importing.admin import ActualImportExportMixin, PlanImportExportMixin
from indicators.models import (
    Actual,
    ConfirmedBaseline,
    Grade,
    GradeLevel,
    GradingScheme,
    ImplementationPlanItem,
    Indicator,
    PlanRevision,
    Relisting,
    Report,
    Series,
    SeriesVersion,
    Target,
    TargetVersion,
)
from indicators.revision_admin import (
    RevisionAdminMixin,
    RevisionForm,
    SeriesForm,
    SeriesFormSet,
    TargetForm,
    TargetFormSet,
)
from setagaya_plan.core.admin import AuditedReadOnlyAdmin, SectionAdmin
from setagaya_plan.core.audit import AuditedAdminMixin
from setagaya_plan.core.models import Section
from setagaya_plan.lib.numerals import format_decimal


class RegradesAdminMixin:
    """Admin pages whose edits change what grading reads (a target, a series, a unit, a place in the plan): the
    stored grades of the indicators concerned follow, in the admin's transaction. `regraded_ids(obj)` names them."""

    def regraded_ids(self, obj) -> list[int]:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_grades(self.regraded_ids(form.instance))

    def delete_model(self, request, obj):
        ids = self.regraded_ids(obj)
        super().delete_model(request, obj)
        refresh_grades(ids)

    def delete_queryset(self, request, queryset):
        ids = [pk for obj in queryset for pk in self.regraded_ids(obj)]
        super().delete_queryset(request, queryset)
        refresh_grades(ids)


def indicator_ids(condition: Q) -> list[int]:
    return list(Indicator.objects.filter(condition).values_list("pk", flat=True).distinct())


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "initiative"
    extra = 0
    fields = ["code", "kind", "number", "name", "unit"]
    readonly_fields = ["code"]
    show_change_link = True


class SeriesInline(admin.StackedInline):
    model = Series
    formset = SeriesFormSet
    extra = 0
    fields = [
        ("key", "label", "position"),
        ("unit", "total_kind"),
        ("baseline_value", "baseline_text", "baseline_note"),
        ("total_value", "total_text"),
    ]
    show_change_link = True


class RelistingInline(admin.TabularInline):
    model = Relisting
    extra = 0
    autocomplete_fields = ["vision"]


@admin.register(Indicator)
class IndicatorAdmin(
    RegradesAdminMixin, RevisionAdminMixin, AuditedAdminMixin, PlanImportExportMixin, admin.ModelAdmin
):
    form = RevisionForm
    list_display = ["code", "kind", "number", "name", "unit", "direction", "total_kind", "section"]
    list_filter = [
        "kind",
        "direction",
        "total_kind",
        "section",
        "vision__measure__goal",
        "vision__measure",
        "plan_items",
    ]
    search_fields = ["code", "name", "footnotes"]
    list_select_related = ["vision__measure__goal"]
    readonly_fields = ["code", "targets_table"]
    autocomplete_fields = ["vision", "initiative", "section"]
    filter_horizontal = ["plan_items"]
    inlines = [SeriesInline, RelistingInline]
    fieldsets = [
        (None, {"fields": ["code", "vision", "initiative", "kind", "number", "position", "name"]}),
        ("値の扱い", {"fields": ["unit", "direction", "total_kind", "qualifier"]}),
        ("目標", {"fields": ["targets_table"]}),
        ("所管", {"fields": ["section"]}),
        ("注記・関連", {"fields": ["footnotes", "plan_items"]}),
        ("計画の改定（系列の現況値・総量を変えるとき）", {"fields": ["revision", "decided"]}),
    ]

    def series_ids(self, obj) -> list[int]:
        return list(obj.series.values_list("pk", flat=True)) if obj.pk else []

    def regraded_ids(self, obj) -> list[int]:
        return [obj.pk]

    @admin.display(description="年度ごとの目標")
    def targets_table(self, indicator):
        """Every target of the indicator under it, as printed; each series links to its page, where they are edited.

        Targets belong to a series (a)/b) parts, 整備数 / 累計整備数), and the admin cannot nest inlines two deep.
        """
        if indicator.pk is None:
            return "保存後に系列ごとの目標を登録できます。"
        rows = []
        for series in indicator.series.prefetch_related("targets"):
            url = reverse("admin:indicators_series_change", args=[series.pk])
            cells = format_html_join(
                "、",
                "{}：{}",
                (
                    (target.years_label, target.text or target.deferred_to or format_decimal(target.value))
                    for target in series.targets.all()
                ),
            )
            rows.append((url, series.label or "指標全体", cells or "目標なし"))
        if not rows:
            return "系列がありません。下の「系列」で追加してください。"
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>　{}</li>', rows))


class TargetInline(admin.TabularInline):
    model = Target
    formset = TargetFormSet
    extra = 0
    fields = ["fiscal_year", "end_fiscal_year", "value", "text", "deferred_to"]


@admin.register(Series)
class SeriesAdmin(RegradesAdminMixin, RevisionAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = SeriesForm
    list_display = ["__str__", "label", "unit", "baseline_value", "baseline_note", "total_value"]
    list_filter = ["indicator__vision__measure", "indicator__kind"]
    search_fields = ["indicator__code", "indicator__name", "label"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    inlines = [TargetInline]

    def series_ids(self, obj) -> list[int]:
        return [obj.pk] if obj.pk else []

    def regraded_ids(self, obj) -> list[int]:
        return [obj.indicator_id]


@admin.register(Target)
class TargetAdmin(RegradesAdminMixin, RevisionAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = TargetForm
    list_display = ["series", "fiscal_year", "end_fiscal_year", "value", "text", "deferred_to"]
    list_filter = ["fiscal_year"]
    search_fields = ["series__indicator__code", "series__indicator__name", "text"]
    list_select_related = ["series__indicator"]
    autocomplete_fields = ["series"]

    def series_ids(self, obj) -> list[int]:
        stored = Target.objects.filter(pk=obj.pk).values_list("series_id", flat=True).first()
        return [pk for pk in {stored, obj.series_id} if pk]

    def regraded_ids(self, obj) -> list[int]:
        return [obj.series.indicator_id]

    def has_delete_permission(self, request, obj=None):
        # A target leaves the plan only through a revision (its series' page, which asks for one), so that every
        # change of a target belongs to a revision; the delete view here would not ask.
        return False


@admin.register(Actual)
class ActualAdmin(AuditedReadOnlyAdmin):
    list_display = ["series", "report", "value", "text"]
    list_filter = ["report__fiscal_year", "report__status"]
    search_fields = ["series__indicator__code", "series__indicator__name"]
    list_select_related = ["series__indicator", "report__indicator"]


class ActualInline(admin.TabularInline):
    model = Actual
    extra = 0
    fields = ["series", "value", "text"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(ActualImportExportMixin, AuditedReadOnlyAdmin):
    list_display = ["indicator", "fiscal_year", "status", "version", "updated_by", "updated_at"]
    list_filter = ["fiscal_year", "status", "indicator__section", "indicator__vision__measure"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator", "updated_by"]
    inlines = [ActualInline]


class SectionIndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "section"
    extra = 0
    fields = ["code", "name"]
    readonly_fields = ["code", "name"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


# A section's page lists its indicators too: core's SectionAdmin knows nothing of indicators, so this app
# registers its own subclass in its place (as projects do with django.contrib.auth's UserAdmin).
class SectionWithIndicatorsAdmin(SectionAdmin):
    inlines = [*SectionAdmin.inlines, SectionIndicatorInline]


admin.site.unregister(Section)
admin.site.register(Section, SectionWithIndicatorsAdmin)


@admin.register(Relisting)
class RelistingAdmin(RegradesAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "vision", "number"]
    autocomplete_fields = ["indicator", "vision"]
    list_select_related = ["indicator", "vision__measure__goal"]

    def regraded_ids(self, obj) -> list[int]:
        return [obj.indicator_id]


@admin.register(ImplementationPlanItem)
class ImplementationPlanItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title"]
    search_fields = ["code", "title"]


class GradeLevelInline(admin.TabularInline):
    model = GradeLevel
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in GradeLevel._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GradingScheme)
class GradingSchemeAdmin(AuditedReadOnlyAdmin):
    """Schemes, thresholds and the active one are set on the planners' 評価の設定 page, which logs each change."""

    list_display = ["name", "code", "is_active"]
    inlines = [GradeLevelInline]


@admin.register(GradeLevel)
class GradeLevelAdmin(AuditedReadOnlyAdmin):
    list_display = ["scheme", "label", "position"]
    list_filter = ["scheme"]


@admin.register(ConfirmedBaseline)
class ConfirmedBaselineAdmin(AuditedReadOnlyAdmin):
    list_display = ["series", "value", "note"]
    search_fields = ["series__indicator__code", "series__indicator__name"]
    list_select_related = ["series__indicator"]


@admin.register(PlanRevision)
class PlanRevisionAdmin(AuditedReadOnlyAdmin):
    """Revisions are opened by an import or an admin edit of targets; the re-grading choice is made on the
    revision's page (/progress/revisions/<n>/), where it is logged with a reason."""

    list_display = ["number", "name", "decided", "regrade"]
    search_fields = ["name", "note"]


@admin.register(TargetVersion)
class TargetVersionAdmin(AuditedReadOnlyAdmin):
    list_display = ["series", "fiscal_year", "revision", "value", "text", "deferred_to", "removed"]
    list_filter = ["revision", "fiscal_year"]
    search_fields = ["series__indicator__code", "series__indicator__name"]
    list_select_related = ["series__indicator", "revision"]


@admin.register(SeriesVersion)
class SeriesVersionAdmin(AuditedReadOnlyAdmin):
    list_display = ["series", "revision", "baseline_value", "total_value"]
    list_filter = ["revision"]
    search_fields = ["series__indicator__code", "series__indicator__name"]
    list_select_related = ["series__indicator", "revision"]


@admin.register(Grade)
class GradeAdmin(AuditedReadOnlyAdmin):
    """Stored grades: written only by indicators.evaluation.store (and `manage.py regrade`), shown for checking."""

    list_display = [
        "indicator",
        "fiscal_year",
        "measure",
        "relisted",
        "status",
        "level",
        "needs_attention",
        "target_value",
        "target_revision",
    ]
    list_filter = ["fiscal_year", "status", "needs_attention", "relisted"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator", "measure__goal"]
