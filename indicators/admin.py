from django.contrib import admin

from indicators.models import Actual, ImplementationPlanItem, Indicator, Relisting, Series, Target


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "initiative"
    extra = 0
    fields = ["code", "kind", "number", "name", "unit"]
    readonly_fields = ["code"]
    show_change_link = True


class SeriesInline(admin.StackedInline):
    model = Series
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
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "number", "name", "unit", "direction", "total_kind"]
    list_filter = ["kind", "direction", "total_kind", "vision__measure__goal", "vision__measure", "plan_items"]
    search_fields = ["code", "name", "footnotes"]
    list_select_related = ["vision__measure__goal"]
    readonly_fields = ["code"]
    autocomplete_fields = ["vision", "initiative"]
    filter_horizontal = ["plan_items"]
    inlines = [SeriesInline, RelistingInline]
    fieldsets = [
        (None, {"fields": ["code", "vision", "initiative", "kind", "number", "position", "name"]}),
        ("値の扱い", {"fields": ["unit", "direction", "total_kind", "qualifier"]}),
        ("注記・関連", {"fields": ["footnotes", "plan_items"]}),
    ]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["fiscal_year", "end_fiscal_year", "value", "text", "deferred_to"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "label", "unit", "baseline_value", "baseline_note", "total_value"]
    list_filter = ["indicator__vision__measure", "indicator__kind"]
    search_fields = ["indicator__code", "indicator__name", "label"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["series", "fiscal_year", "end_fiscal_year", "value", "text", "deferred_to"]
    list_filter = ["fiscal_year"]
    search_fields = ["series__indicator__code", "series__indicator__name", "text"]
    list_select_related = ["series__indicator"]
    autocomplete_fields = ["series"]


@admin.register(Actual)
class ActualAdmin(admin.ModelAdmin):
    list_display = ["series", "fiscal_year", "value", "text", "updated_at"]
    list_filter = ["fiscal_year"]
    search_fields = ["series__indicator__code", "series__indicator__name"]
    list_select_related = ["series__indicator"]
    autocomplete_fields = ["series"]


@admin.register(Relisting)
class RelistingAdmin(admin.ModelAdmin):
    list_display = ["indicator", "vision", "number"]
    autocomplete_fields = ["indicator", "vision"]
    list_select_related = ["indicator", "vision__measure__goal"]


@admin.register(ImplementationPlanItem)
class ImplementationPlanItemAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]
    search_fields = ["code", "title"]
