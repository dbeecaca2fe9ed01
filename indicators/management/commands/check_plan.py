from django.core.management.base import BaseCommand

from indicators.checks import check_indicators
from indicators.models import Indicator


class Command(BaseCommand):
    help = "指標の総量・目標の向き・単位などの食い違いを一覧にします（データは変更しません）。"

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="指摘があれば終了コード1で終わる（CIや定期実行用）")

    def handle(self, *args, **options):
        indicators = Indicator.objects.with_structure().in_plan_order()
        findings = check_indicators(indicators)
        for finding in findings:
            self.stdout.write(str(finding))
        self.stdout.write(f"{indicators.count()}指標を確認し、{len(findings)}件の指摘があります。")
        if findings and options["fail"]:
            raise SystemExit(1)
