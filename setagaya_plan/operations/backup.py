"""Back up and restore the whole database with the database's own tools, so nothing is lost or rounded.

- PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, taken while the app runs) and `pg_restore
  --clean --single-transaction` (all or nothing). The client programs must be at least the server's version
  (Debian: postgresql-client). Connection settings come from DATABASE_URL, as for the app.
- SQLite: the SQLite online-backup API, page by page, into a plain database file — also while the app runs.

Both keep every row, sequence and timestamp exactly (Django's dumpdata would cut timestamps to milliseconds).
A backup holds the migration history too: after restoring an older backup, `manage.py migrate` brings it up to
date. Restoring replaces the current data; stop the app servers first (docs/deploy.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that could not be done, with a Japanese message for the operator."""


def backup(path: Path) -> None:
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"])
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    else:  # pragma: no cover - settings only allow the two
        raise BackupError(f"{connection.vendor} のバックアップには対応していません。")


def restore(path: Path) -> None:
    kind = backup_kind(path)
    if kind != connection.vendor:
        raise BackupError(
            f"{path} は {_name(kind)} のバックアップです。いまの接続先は {_name(connection.vendor)} です"
            "（DATABASE_URL を確認してください）。"
        )
    if kind == "postgresql":
        connection.close()  # pg_restore replaces the tables; no open transaction of ours may hold them
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ]
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()


def backup_kind(path: Path) -> str:
    """The engine a backup file is for ("postgresql" or "sqlite"), read from its first bytes; BackupError otherwise."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"バックアップファイルを読めません: {path}（{error.strerror}）") from None
    if head.startswith(POSTGRES_MAGIC):
        return "postgresql"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise BackupError(
        f"{path} はこのシステムのバックアップファイルではありません"
        "（manage.py backup で作ったものを指定してください）。"
    )


def _name(vendor: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(vendor, vendor)


def _run(command: list[str]) -> None:
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} が見つかりません。PostgreSQL のクライアント（Debian: postgresql-client）を入れてください。"
        )
    result = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} が失敗しました:\n{result.stderr.strip()}")


def _libpq_environment() -> dict[str, str]:
    """The app's connection settings as libpq variables: no password on a command line (visible in `ps`)."""
    settings = connection.settings_dict
    environment = dict(os.environ)
    for variable, value in {
        "PGDATABASE": settings["NAME"],
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGHOST": settings.get("HOST"),
        "PGPORT": str(settings.get("PORT") or ""),
        "PGSSLMODE": settings.get("OPTIONS", {}).get("sslmode"),
    }.items():
        if value:
            environment[variable] = value
    return environment
