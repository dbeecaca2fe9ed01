"""Demo logins for `./dev run`: one user per role, a planning section and a demo 所管課 owning real indicators
and one 地区's consultation counts (so demo_staff has a 地区 to enter and demo_approver its 地域 to review).

In the consultations app because it sets up both apps' data (indicators and 地区).

Development only: refused when DEBUG is off, so a production database never gets known passwords. Running it
again resets the passwords and memberships and changes nothing else.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consultations.models import District
from indicators.models import Indicator
from setagaya_plan.core.models import Membership, Section

DEFAULT_DEMO_PASSWORD = "setagaya-demo-2024"
PLANNING_SECTION = "保健福祉政策課"
DEMO_SECTION = "地域包括ケア推進課（デモ）"

# From several 推進施策: plain counts, a rate that aims down, a text target (一部運用 → 全面運用 …),
# a)/b) parts (個別避難計画作成数) and a compound 整備数 / 累計整備数.
DEMO_INDICATORS = [
    "G1-M01-V1-A3",  # 推進施策1 地域包括ケアの地区展開に関する研修の実施及び動画公開（回）
    "G1-M01-V3-O1",  # 推進施策1 孤立していると思われる区民の割合（%、減少をめざす）
    "G1-M02-V1-A2",  # 推進施策2 在宅療養資源マップのWeb運用（文章の目標）
    "G1-M04-V1-A3",  # 推進施策4 ゲートキーパー講座開催回数（回）
    "G1-M05-V2-A2",  # 推進施策5 重度障害者向けグループホームの新規施設整備数（整備数 / 累計整備数）
    "G1-M09-V1-A1",  # 推進施策9 ティーンズプロジェクトの実施回数（回）
    "G1-M10-V1-O5",  # 推進施策10 個別避難計画作成数（a) 区域内 / b) 区域以外）
]

DEMO_USERS = [
    # username, role, section, description
    ("demo_staff", Membership.Role.ENTRY, DEMO_SECTION, "入力担当（デモ所管課の実績を入力・提出）"),
    ("demo_approver", Membership.Role.APPROVER, DEMO_SECTION, "承認者（デモ所管課の実績を承認・差戻し）"),
    ("demo_planner", Membership.Role.PLANNER, PLANNING_SECTION, "計画担当（全所管課・期限・締切・割当・管理画面）"),
    ("demo_viewer", Membership.Role.VIEWER, DEMO_SECTION, "閲覧（デモ所管課の実績を見るだけ）"),
]


class Command(BaseCommand):
    help = "デモ用のログインを作成します（DEBUG が有効なときだけ）。パスワードは DEMO_PASSWORD（既定は README 参照）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("デモ用ログインは DEBUG が有効な開発環境でのみ作成できます。")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        with transaction.atomic():
            sections = {
                PLANNING_SECTION: Section.objects.get_or_create(name=PLANNING_SECTION)[0],
                DEMO_SECTION: Section.objects.get_or_create(name=DEMO_SECTION)[0],
            }
            # Only indicators nobody owns yet: a planner's own assignment is never overwritten.
            assigned = Indicator.objects.filter(code__in=DEMO_INDICATORS, section__isnull=True).update(
                section=sections[DEMO_SECTION]
            )
            district = _demo_district(sections[DEMO_SECTION])
            User = get_user_model()
            for username, role, section_name, _ in DEMO_USERS:
                user, _ = User.objects.get_or_create(username=username)
                user.email = f"{username}@example.jp"
                # The planner also manages the plan in the admin.
                user.is_staff = user.is_superuser = role == Membership.Role.PLANNER
                user.set_password(password)
                user.save()
                Membership.objects.filter(user=user).exclude(section=sections[section_name]).delete()
                Membership.objects.update_or_create(user=user, section=sections[section_name], defaults={"role": role})

        owned = Indicator.objects.filter(section=sections[DEMO_SECTION]).count()
        if not Indicator.objects.exists():
            self.stderr.write("計画データがありません。先に python manage.py load_plan を実行してください。")
        self.stdout.write("デモ用ログイン（http://127.0.0.1:8000/login/）:")
        for username, _, section_name, description in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}  {description}（{section_name}）")
        self.stdout.write(f"  デモ所管課「{DEMO_SECTION}」の指標: {owned}件（今回割り当て {assigned}件）")
        if district is not None:
            self.stdout.write(f"  デモ所管課が相談件数を入力する地区: {district}（{district.area}）")


def _demo_district(section: Section) -> District | None:
    """The demo section's 地区: the one it already enters, else the first 地区 nobody enters yet (池尻 on a fresh
    database). Its 地域 is reviewed by the demo section unless a planner set another: a link once made is kept."""
    district = District.objects.filter(section=section).select_related("area").first()
    if district is None:
        district = District.objects.filter(section__isnull=True).select_related("area").order_by("position").first()
        if district is None:
            return None
        district.section = section
        district.save(update_fields=["section"])
    if district.area.reviewing_section_id is None:
        district.area.reviewing_section = section
        district.area.save(update_fields=["reviewing_section"])
    return district
