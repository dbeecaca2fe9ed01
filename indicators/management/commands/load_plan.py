from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.plan_files import PLAN_FILE_DIR, PlanFileError
from indicators.services import data_loaders, load_plan


class Command(BaseCommand):
    help = "計画の印刷データ（fixtures/plan）を読み込みます。何度実行しても同じ結果になり、実績には触れません。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(PLAN_FILE_DIR), help="計画データのフォルダ（既定: fixtures/plan）")

    def handle(self, *args, **options):
        try:
            reports = [load_plan(Path(options["dir"]))]
        except PlanFileError as error:
            raise CommandError(f"計画データを読み込めませんでした: {error}") from None
        # Data other apps keep beside the plan (相談支援: 地域・地区・相談支援機関・計画書の統計) loads with it,
        # as idempotently (indicators.services.register_loader).
        for loader in data_loaders():
            try:
                reports.append(loader.load())
            except loader.error as error:
                raise CommandError(f"{loader.label}を読み込めませんでした: {error}") from None
        if not any(report.changed for report in reports):
            self.stdout.write("計画データは最新です（変更なし）。")
            return
        for report in reports:
            for line in report.lines():
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("計画データを読み込みました。"))
