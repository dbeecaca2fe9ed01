from django.contrib import admin

from setagaya_plan.core.models import FiscalYearSetting, Membership, Section


class AuditedReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through an audited workflow (actuals, counts, year settings) or a logged settings
    page: the admin shows them but never writes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # True for GET so that the change page opens read-only; never for a POST.
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    """Apps that hang records off a section add their inlines by registering a subclass (indicators.admin)."""

    list_display = ["name", "email"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "section", "role"]
    list_filter = ["role", "section"]
    search_fields = ["user__username", "user__last_name", "section__name"]
    autocomplete_fields = ["user", "section"]


@admin.register(FiscalYearSetting)
class FiscalYearSettingAdmin(AuditedReadOnlyAdmin):
    """Deadlines and locks change on the planners' 提出期限・締切 page, which logs each change."""

    list_display = ["fiscal_year", "deadline", "locked", "locked_at", "locked_by"]
    readonly_fields = ["fiscal_year", "deadline", "locked", "locked_at", "locked_by"]
