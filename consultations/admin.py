"""Admin of the consultations app, in Japanese.

Consultation counts and their reports are shown read-only: they change only through consultations.workflow
(grid, import, review), which records every change in the audit trail. Everything the admin writes is audited
(AuditedAdminMixin).
"""

from django import forms
from django.contrib import admin

from consultations.models import (
    Agency,
    Area,
    Category,
    ConsultationCount,
    CountReport,
    District,
    IndicatorFeed,
    StatSeries,
    StatTable,
    StatValue,
    WindowType,
)
from setagaya_plan.core.admin import AuditedReadOnlyAdmin
from setagaya_plan.core.audit import AuditedAdminMixin


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0
    fields = ["position", "name", "code", "section"]
    autocomplete_fields = ["section"]


@admin.register(Area)
class AreaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "position", "reviewing_section"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["reviewing_section"]
    inlines = [DistrictInline]


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["position", "name", "area", "code", "section"]
    list_display_links = ["name"]
    list_filter = ["area"]
    search_fields = ["name", "code", "area__name"]
    list_select_related = ["area", "section"]
    autocomplete_fields = ["section"]


@admin.register(WindowType)
class WindowTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "full_name", "welfare_window", "position"]
    search_fields = ["name", "full_name", "description"]


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "program", "main_field", "sites_label", "scope", "operation", "window_type"]
    list_filter = ["program", "scope", "operation"]
    search_fields = ["name", "main_field", "members"]
    list_select_related = ["window_type"]


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "active", "position"]
    list_filter = ["active"]
    search_fields = ["name", "code", "description"]


class IndicatorFeedForm(forms.ModelForm):
    class Meta:
        model = IndicatorFeed
        fields = ["indicator", "windows", "agencies", "categories", "active", "note"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("windows") and not cleaned.get("agencies"):
            raise forms.ValidationError("相談窓口か相談支援機関を一つ以上選んでください。")
        return cleaned


@admin.register(IndicatorFeed)
class IndicatorFeedAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = IndicatorFeedForm
    list_display = ["indicator", "source_label", "active"]
    list_filter = ["active"]
    search_fields = ["indicator__code", "indicator__name", "note"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    filter_horizontal = ["windows", "agencies", "categories"]

    @admin.display(description="集計元")
    def source_label(self, feed: IndicatorFeed) -> str:
        return feed.source_label()


class StatSeriesInline(admin.TabularInline):
    model = StatSeries
    extra = 0
    fields = ["position", "code", "group", "label", "kind", "unit", "decimal_places", "period_kind", "part_of"]
    show_change_link = True


@admin.register(StatTable)
class StatTableAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "measure_number", "vision_number", "part", "position"]
    search_fields = ["title", "caption", "notes"]
    inlines = [StatSeriesInline]


class StatValueInline(admin.TabularInline):
    model = StatValue
    extra = 0
    fields = ["year", "value", "text", "mark"]


@admin.register(StatSeries)
class StatSeriesAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "unit", "period_kind"]
    list_filter = ["kind", "table"]
    search_fields = ["label", "group", "table__title"]
    list_select_related = ["table"]
    inlines = [StatValueInline]


@admin.register(StatValue)
class StatValueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["series", "year", "value", "text", "mark"]
    list_filter = ["series__table"]
    search_fields = ["series__label", "series__table__title"]
    list_select_related = ["series__table"]


@admin.register(CountReport)
class CountReportAdmin(AuditedReadOnlyAdmin):
    list_display = ["__str__", "status", "version"]
    list_filter = ["status", "fiscal_year"]


@admin.register(ConsultationCount)
class ConsultationCountAdmin(AuditedReadOnlyAdmin):
    list_display = ["__str__", "count"]
    list_filter = ["category"]
