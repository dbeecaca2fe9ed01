"""manage.py create_user NAME --section 所管課 --role 役割: a real login with its section and role, in one step.

For the first users of a new installation (the first 計画担当 then adds the others the same way or in the admin).
What it creates is recorded in the audit trail with the command as its source (the password only as set).
The password is asked twice and checked by the password rules; with --no-input a random initial password is
printed instead, to hand over and be changed by the user at 「パスワード変更」.
"""

from __future__ import annotations

import getpass
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from setagaya_plan.core import audit
from setagaya_plan.core.models import AuditEntry, Membership, Section

ROLES = {**{role.value: role for role in Membership.Role}, **{role.label: role for role in Membership.Role}}


class Command(BaseCommand):
    help = "ログインを作り、所管課と役割を付けます（最初の利用者の登録用）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="ユーザー名（ログインに使う名前）")
        parser.add_argument("--section", required=True, help="所管課名（例：保健福祉政策課）")
        parser.add_argument(
            "--role",
            required=True,
            help="役割: entry（入力担当）, approver（承認者）, planner（計画担当）, viewer（閲覧）。日本語でも可",
        )
        parser.add_argument("--create-section", action="store_true", help="所管課がまだなければ作る")
        parser.add_argument("--email", default="", help="メールアドレス（任意）")
        parser.add_argument("--name", default="", help="氏名（任意。画面と履歴に表示されます）")
        parser.add_argument(
            "--admin", action="store_true", help="管理画面（/admin/）も使えるようにする（計画担当向け）"
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="パスワードを尋ねず、初期パスワードを作って表示する",
        )

    def handle(self, *args, username, section, role, create_section, email, name, admin, interactive, **options):
        User = get_user_model()
        if role not in ROLES:
            raise CommandError(f"役割「{role}」はありません。次のどれかを指定してください: {', '.join(ROLES)}")
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"ユーザー「{username}」はすでにあります。所属と役割の追加は管理画面の「所属と役割」で行えます。"
            )
        found = Section.objects.filter(name=section).first()
        if found is None and not create_section:
            existing = "、".join(Section.objects.values_list("name", flat=True)) or "（まだありません）"
            raise CommandError(
                f"所管課「{section}」がありません。いまある所管課: {existing}。"
                "新しく作るときは --create-section を付けてください。"
            )
        user = User(username=username, email=email, last_name=name, is_staff=admin, is_superuser=admin)
        password = self._ask_password(user) if interactive else secrets.token_urlsafe(12)
        user.set_password(password)
        with transaction.atomic():
            created = []
            if found is None:
                found = Section.objects.create(name=section)
                created.append(found)
                self.stdout.write(f"所管課「{section}」を作りました。")
            user.save()
            created += [user, Membership.objects.create(user=user, section=found, role=ROLES[role])]
            for row in created:
                changes = audit.diff({}, audit.snapshot(row))
                audit.log(row, AuditEntry.Action.ADD, None, changes=changes, source="create_user")
        also_admin = "（管理画面も可）" if admin else ""
        self.stdout.write(f"ユーザー「{username}」を作りました: {found.name}の{ROLES[role].label}{also_admin}。")
        if not interactive:
            self.stdout.write(
                f"初期パスワード: {password}\n"
                "本人に渡し、最初のログインの後に画面上部の「パスワード変更」で変えてもらってください。"
            )

    def _ask_password(self, user) -> str:
        while True:
            password = getpass.getpass("パスワード: ")
            if password != getpass.getpass("パスワード（確認）: "):
                self.stderr.write("2回の入力が一致しません。もう一度入力してください。")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
