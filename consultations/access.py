"""Who may enter, read and review consultation counts. Built on setagaya_plan.core.access (roles in sections).

* A 地区's staff are the 入力担当 of the section set as the 地区's 入力する組織 (District.section): they enter
  and submit the counts of that 地区 only. Its 閲覧 members read them.
* The reviewing section of a 地域 (Area.reviewing_section): its 承認者 approve or return the counts of the
  地域's 地区, and read them.
* 計画担当 do everything for every place, including counts kept per 地域 or for the whole ward, imports,
  categories and reopening approved reports.
* Every logged-in user reads the rolled-up statistics (ward, 地域, 地区 totals): they hold no personal data.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from consultations.models import CountReport, District
from setagaya_plan.core.access import Role, is_planner, roles_in


def can_enter(user, district: District) -> bool:
    return is_planner(user) or Role.ENTRY in roles_in(user, district.section)


def can_review(user, report: CountReport) -> bool:
    if is_planner(user):
        return True
    if report.district_id is None:
        return False
    return Role.APPROVER in roles_in(user, report.district.area.reviewing_section)


def can_view_district(user, district: District) -> bool:
    return (
        is_planner(user)
        or bool(roles_in(user, district.section))
        or Role.APPROVER in roles_in(user, district.area.reviewing_section)
    )


def get_district_for_user(user, code: str) -> District:
    """The 地区 by code if the user may read its reports: 404 for an unknown code, 403 for someone else's 地区."""
    district = District.objects.select_related("area__reviewing_section", "section").filter(code=code).first()
    if district is None:
        raise Http404("地区が見つかりません。")
    if not can_view_district(user, district):
        raise PermissionDenied("この地区の相談件数を見る権限がありません。")
    return district


def entry_districts(user) -> list[District]:
    """地区 the user enters, or reviews, in the ward's order."""
    districts = District.objects.select_related("area__reviewing_section", "section").order_by("position")
    return [d for d in districts if can_view_district(user, d)]
