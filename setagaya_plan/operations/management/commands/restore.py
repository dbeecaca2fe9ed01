"""manage.py restore PATH: replace the database's contents with a backup made by `manage.py backup`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from setagaya_plan.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "manage.py backup で作ったファイルから、データベースの内容をすべて置き換えて復元します。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="manage.py backup で作ったファイル")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="確認せずに復元する（手順書・スクリプト用）"
        )

    def handle(self, *args, path: Path, interactive: bool, **options):
        if interactive:
            answer = input(f"いまのデータをすべて {path} の内容で置き換えます。よろしければ yes と入力してください: ")
            if answer.strip() != "yes":
                raise CommandError("中止しました。何も変更していません。")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"復元しました: {path}。続けて python manage.py migrate を実行してください。")
