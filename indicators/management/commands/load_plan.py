from django.core.management.base import BaseCommand, CommandError

from consultations.services import MasterDataError, load_master_data
from indicators.plan_files import PLAN_FILE_DIR, PlanFileError
from indicators.services import load_plan


class Command(BaseCommand):
    help = "計画の印刷データ（fixtures/plan）を読み込みます。何度実行しても同じ結果になり、実績には触れません。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(PLAN_FILE_DIR), help="計画データのフォルダ（既定: fixtures/plan）")

    def handle(self, *args, **options):
        from pathlib import Path

        try:
            report = load_plan(Path(options["dir"]))
        except PlanFileError as error:
            raise CommandError(f"計画データを読み込めませんでした: {error}") from None
        # 相談支援 master data (地域・地区・相談支援機関・計画書の統計) is loaded with the plan, as idempotently.
        try:
            consultations = load_master_data()
        except MasterDataError as error:
            raise CommandError(f"相談支援のデータを読み込めませんでした: {error}") from None
        if not report.changed and not consultations.changed:
            self.stdout.write("計画データは最新です（変更なし）。")
            return
        for line in report.lines() + consultations.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("計画データを読み込みました。"))
