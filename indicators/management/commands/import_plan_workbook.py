"""python manage.py import_plan_workbook PATH [--dry-run] [--sheet NAME] [--user NAME] [--overwrite]

Reads any layout the import page reads (docs/import.md), prints the preview (new / changed old → new / conflict /
error with sheet, row and column), and writes only when there is no error: in one transaction, audited with the
file name and the planner given by --user. Exit status 1 when anything is wrong; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.importing.layouts import read_upload
from indicators.importing.preview import UNCHANGED, ImportPreview, run_import
from setagaya_plan.core.access import is_planner
from setagaya_plan.core.uploads.errors import ImportFileError
from setagaya_plan.core.uploads.safety import check_size


class Command(BaseCommand):
    help = "計画データ（指標・目標）または実績の Excel/CSV ファイルを、確認してから取り込みます（docs/import.md）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="取り込むファイル（.xlsx または .csv）")
        parser.add_argument("--dry-run", action="store_true", help="確認だけして、何も書き込まない")
        parser.add_argument("--sheet", help="このシートだけを読む（既定：取り込める表のあるすべてのシート）")
        parser.add_argument("--user", help="取り込む計画担当のユーザー名（書き込むときは必須。履歴に残ります）")
        parser.add_argument(
            "--overwrite", action="store_true", help="画面で入力済み・提出済みの実績をファイルの値で上書きする"
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        dry_run = options["dry_run"]
        user = self._user(options["user"], required=not dry_run)
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        try:
            check_size(path.stat().st_size)
            parsed = read_upload(path.name, path.read_bytes(), sheet=options["sheet"])
            preview = run_import(parsed, user=user, file_name=path.name, dry_run=True)
        except ImportFileError as error:
            raise CommandError(error.message) from None
        self._print(preview, verbose=options["verbosity"] >= 2)
        if preview.has_errors:
            raise CommandError("エラーがあるため、何も書き込んでいません。")
        if preview.has_conflicts and not options["overwrite"] and not dry_run:
            raise CommandError(
                "上書き要確認の行があります。上書きする場合は --overwrite を付けてください。何も書き込んでいません。"
            )
        if dry_run:
            self.stdout.write("確認のみ（--dry-run）：何も書き込んでいません。")
            return
        if not preview.has_changes:
            self.stdout.write("変更はありません（すべて登録済みの内容と同じです）。")
            return
        result = run_import(
            parsed, user=user, file_name=path.name, dry_run=False, overwrite_confirmed=options["overwrite"]
        )
        if result.has_errors:
            self._print(result, verbose=False)
            raise CommandError("取込み中にエラーが見つかったため、何も書き込んでいません。")
        self.stdout.write(self.style.SUCCESS(f"「{path.name}」を取り込みました。"))

    def _user(self, username: str | None, *, required: bool):
        if not username:
            if required:
                raise CommandError(
                    "書き込むときは --user で取り込む計画担当のユーザー名を指定してください（履歴に残ります）。"
                )
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"ユーザー「{username}」はいません。")
        if not is_planner(user):
            raise CommandError(f"ユーザー「{username}」は計画担当ではありません。取込みは計画担当だけが行えます。")
        return user

    def _print(self, preview: ImportPreview, *, verbose: bool) -> None:
        self.stdout.write(f"{preview.file_name}：{preview.kind_label}（{'、'.join(preview.layouts)}）")
        for error in preview.file_errors:
            self.stdout.write(f"[エラー] {error}")
        for row in preview.rows:
            if row.status == UNCHANGED and not verbose:
                continue
            if row.errors:
                for error in row.errors:
                    self.stdout.write(f"[エラー] {error}")
                continue
            changes = "、".join(f"{field} {old} → {new}" for field, old, new in row.changes) or "変更なし"
            self.stdout.write(f"[{row.status_label}] {row.where} {row.label}：{changes}")
            if row.conflict:
                self.stdout.write(f"    ⚠ {row.conflict}")
            for warning in row.warnings:
                self.stdout.write(f"    要確認：{warning}")
        summary = "、".join(f"{label} {count}件" for _, _, label, count in preview.count_items)
        self.stdout.write(summary)
