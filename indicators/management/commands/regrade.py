from django.core.management.base import BaseCommand
from django.db import connection, transaction

from indicators.evaluation.store import regrade_all
from indicators.models import Grade, Indicator


class Command(BaseCommand):
    help = (
        "保存している評価（指標×年度）を、現在の計画・承認済の実績・評価方式からすべて作り直します。"
        "評価は入力のたびに更新されるので、通常は不要です（データを直接書き換えたあとなどに使います）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="保存済の評価が一件もないときだけ作り直す（migrate の後に自動で実行されます）",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and not _needs_first_grades():
            return
        with transaction.atomic():
            count = regrade_all()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"評価を作り直しました（{count}件）。"))


def _needs_first_grades() -> bool:
    """A database migrated to stored grades that holds a plan but no grade yet (the table may not exist when
    migrating backwards)."""
    if Grade._meta.db_table not in connection.introspection.table_names():
        return False
    return Indicator.objects.exists() and not Grade.objects.exists()
