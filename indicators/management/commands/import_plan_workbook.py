"""python manage.py import_plan_workbook PATH [--dry-run] [--sheet NAME] [--user NAME] [--overwrite]
[--revision NAME --decided YYYY-MM-DD [--note TEXT]]

Reads any layout the import page reads (docs/import.md), prints the preview (new / changed old → new / conflict /
error with sheet, row and column), and writes only when there is no error: in one transaction, audited with the
file name and the planner given by --user. A change of registered targets, totals or baselines belongs to the
revision given by --revision (created when new, with --decided; the same name again adds to it); without one such
a file is refused. Exit status 1 when anything is wrong; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators import revisions
from indicators.importing.layouts import read_upload
from indicators.importing.preview import UNCHANGED, ImportPreview, run_import
from indicators.importing.resources import REVISION_REQUIRED
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
        parser.add_argument(
            "--revision",
            help="目標・総量・現況値の変更が属する改定の名前（例：令和8年度改定）。新しい名前なら改定を作ります",
        )
        parser.add_argument("--decided", help="新しい改定の決定日（例：2026-06-01）")
        parser.add_argument("--note", default="", help="新しい改定の説明")

    def handle(self, *args, **options):
        path = Path(options["path"])
        dry_run = options["dry_run"]
        user = self._user(options["user"], required=not dry_run)
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        revision = self._revision(options)
        try:
            check_size(path.stat().st_size)
            parsed = read_upload(path.name, path.read_bytes(), sheet=options["sheet"])
            preview = run_import(parsed, user=user, file_name=path.name, dry_run=True, revision=revision)
        except ImportFileError as error:
            raise CommandError(error.message) from None
        self._print(preview, verbose=options["verbosity"] >= 2)
        if REVISION_REQUIRED in preview.file_errors:
            raise CommandError(
                "登録済みの目標・総量・現況値が変わります。どの改定による変更かを "
                '--revision "令和8年度改定" --decided 2026-06-01 のように指定してください。何も書き込んでいません。'
            )
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
            parsed,
            user=user,
            file_name=path.name,
            dry_run=False,
            overwrite_confirmed=options["overwrite"],
            revision=revision,
        )
        if result.has_errors:
            self._print(result, verbose=False)
            raise CommandError("取込み中にエラーが見つかったため、何も書き込んでいません。")
        self.stdout.write(self.style.SUCCESS(f"「{path.name}」を取り込みました。"))

    def _revision(self, options):
        """The revision named by --revision (unsaved when new), or None; a bad name or date is refused."""
        if not options["revision"]:
            if options["decided"]:
                raise CommandError("--decided は --revision（改定の名前）と一緒に指定してください。")
            return None
        try:
            decided = revisions.parse_decided(options["decided"])
            return revisions.resolve(options["revision"], decided, options["note"])
        except revisions.RevisionError as error:
            raise CommandError(error.message) from None

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
        if preview.revision_changes:
            name = preview.revision or "（未指定）"
            self.stdout.write(f"改定「{name}」による目標・総量・現況値の変更 {len(preview.revision_changes)}件：")
            for label, field, old, new in preview.revision_changes:
                self.stdout.write(f"    {label} {field}：{old} → {new}")
