"""manage.py backup PATH: the whole database into one file (pg_dump custom format, or an SQLite database file)."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from setagaya_plan.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "データベース全体を1つのファイルにバックアップします（PostgreSQL は pg_dump、SQLite はバックアップAPI）。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="書き出すファイル（すでにあるファイルは上書きしません）")

    def handle(self, *args, path: Path, **options):
        if path.exists():
            raise CommandError(f"{path} はすでにあります。別の名前を指定してください。")
        if not path.parent.is_dir():
            raise CommandError(f"フォルダ {path.parent} がありません。")
        # Written beside the target and renamed when complete: a failed run never leaves a file that looks whole.
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            backup(partial)
        except BackupError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        os.replace(partial, path)
        self.stdout.write(f"バックアップしました: {path}（{path.stat().st_size:,} バイト）")
