import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEFAULT_DEMO_PASSWORD = "setagaya-demo-2024"


class Command(BaseCommand):
    help = "デモ用のログインを作成します（DEBUG が有効なときだけ）。パスワードは DEMO_PASSWORD（既定は README 参照）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("デモ用ログインは DEBUG が有効な開発環境でのみ作成できます。")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        User = get_user_model()
        user, _ = User.objects.get_or_create(username="demo_planner")
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write("デモ用ログイン（http://127.0.0.1:8000/login/）:")
        self.stdout.write(f"  demo_planner / {password}  計画担当（管理画面を含むすべての操作）")
