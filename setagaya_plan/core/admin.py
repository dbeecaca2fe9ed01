from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from setagaya_plan.core.audit import AuditedAdminMixin
from setagaya_plan.core.models import AuditEntry, FiscalYearSetting, Membership, Section


class AuditedReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Records that change only through an audited workflow (actuals, counts, year settings) or a logged settings
    page, and the audit trail itself: the admin shows them, with their history, but never writes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # True for GET so that the change page opens read-only; never for a POST.
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *(f.name for f in self.model._meta.fields if f.name not in self.readonly_fields)]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Section)
class SectionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Apps that hang records off a section add their inlines by registering a subclass (indicators.admin)."""

    list_display = ["name", "email"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "section", "role"]
    list_filter = ["role", "section"]
    search_fields = ["user__username", "user__last_name", "section__name"]
    autocomplete_fields = ["user", "section"]


@admin.register(FiscalYearSetting)
class FiscalYearSettingAdmin(AuditedReadOnlyAdmin):
    """Deadlines and locks change on the planners' 提出期限・締切 page, which logs each change."""

    list_display = ["fiscal_year", "deadline", "locked", "locked_at", "locked_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedReadOnlyAdmin):
    """The one audit trail, read-only: every change by screen, grid, import, the admin and commands."""

    list_display = ["shown_at", "action", "object_repr", "fiscal_year", "user", "source", "self_approved"]
    list_filter = ["action", "self_approved", "content_type", "fiscal_year"]
    search_fields = ["object_repr", "comment", "source", "user__username"]
    list_select_related = ["user", "content_type"]
    readonly_fields = ["shown_at"]

    @admin.display(description="日時（日本時間）", ordering="at")
    def shown_at(self, entry: AuditEntry) -> str:
        return entry.shown_at


# Users and groups: their changes (roles come with memberships, passwords, staff rights) are audited like the rest.
admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    pass


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass
