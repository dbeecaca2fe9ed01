from django.contrib import admin
from django.db.models import Q

from indicators.admin import IndicatorInline, RegradesAdminMixin, indicator_ids
from measures.models import Goal, Initiative, Measure, Plan, Vision
from setagaya_plan.core.audit import AuditedAdminMixin


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(Plan)
class PlanAdmin(RegradesAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "start_fiscal_year", "end_fiscal_year", "mid_review_fiscal_year"]
    inlines = [GoalInline]

    def regraded_ids(self, obj) -> list[int]:
        # The plan's period is the years every indicator is graded for.
        return indicator_ids(Q())


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["number", "title"]
    show_change_link = True


@admin.register(Goal)
class GoalAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    search_fields = ["title"]
    inlines = [MeasureInline]


class VisionInline(admin.StackedInline):
    model = Vision
    extra = 0
    fields = ["number", "subtitle", "statement"]
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["label", "title"]
    list_display_links = ["label", "title"]
    list_filter = ["goal"]
    search_fields = ["title", "description"]
    inlines = [VisionInline]

    @admin.display(description="番号", ordering="number")
    def label(self, measure):
        return measure.label


class InitiativeInline(admin.TabularInline):
    model = Initiative
    extra = 0
    fields = ["number", "title", "purpose", "position"]
    show_change_link = True


@admin.register(Vision)
class VisionAdmin(RegradesAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "subtitle", "statement"]
    list_filter = ["measure__goal", "measure"]
    search_fields = ["statement", "description", "current_state", "challenges", "direction"]
    list_select_related = ["measure__goal"]
    inlines = [InitiativeInline]

    def regraded_ids(self, obj) -> list[int]:
        # Moving a めざす姿 to another 推進施策 moves the grades of what is printed under it.
        return indicator_ids(Q(vision=obj) | Q(relistings__vision=obj))


@admin.register(Initiative)
class InitiativeAdmin(RegradesAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "vision"]
    list_filter = ["vision__measure__goal", "vision__measure"]
    search_fields = ["title", "purpose"]
    list_select_related = ["vision__measure__goal"]
    inlines = [IndicatorInline]

    def regraded_ids(self, obj) -> list[int]:
        # Its inline edits indicators (kind, unit): theirs follow.
        return indicator_ids(Q(initiative=obj))
