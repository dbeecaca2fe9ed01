import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.export import progress_records, to_csv, to_json, to_xlsx
from indicators.models import Indicator
from setagaya_plan.core.fiscal_years import FiscalYearError, check_within, fiscal_year_argument, plan_years


class Command(BaseCommand):
    help = "指標・目標・実績を JSON / CSV（UTF-8 BOM付き）/ xlsx で出力します（形式は docs/export.md）。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("-o", "--output", help="出力先ファイル（省略時は標準出力。xlsx では必須）")
        parser.add_argument(
            "--year", type=fiscal_year_argument, help="この年度（2024、令和6年度 など）の目標と実績だけを出力"
        )

    def handle(self, *args, **options):
        year = options["year"]
        if year is not None:
            try:
                check_within(year, plan_years())
            except FiscalYearError as error:
                raise CommandError(f"--year：{error.message}") from None
        fmt = options["format"]
        if fmt == "xlsx" and not options["output"]:
            raise CommandError("xlsx は -o でファイルを指定してください。")
        if fmt == "json":
            records = progress_records(year)
            data = (to_json(records) + "\n").encode("utf-8")
        elif fmt == "csv":
            data = to_csv(year)
        else:
            data = to_xlsx(year)
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"{Indicator.objects.count()}指標を {options['output']} に出力しました。")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
