from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultations.services import MASTER_DATA_DIR, MasterDataError, load_master_data


class Command(BaseCommand):
    help = (
        "相談支援のマスタデータ（地域・地区・相談窓口・相談支援機関・分類・計画書の統計）を fixtures/consultations から"
        "読み込みます。load_plan も最後に実行します。何度実行しても同じ結果になり、相談件数には触れません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(MASTER_DATA_DIR), help="データのフォルダ（既定: fixtures/consultations）"
        )

    def handle(self, *args, **options):
        try:
            report = load_master_data(Path(options["dir"]), source="load_consultations")
        except MasterDataError as error:
            raise CommandError(f"相談支援のデータを読み込めませんでした: {error}") from None
        if not report.changed:
            self.stdout.write("相談支援のデータは最新です（変更なし）。")
            return
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("相談支援のデータを読み込みました。"))
