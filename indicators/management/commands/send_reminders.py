"""E-mail each section the actuals it still owes for a fiscal year, for the ward's scheduler (cron) to run.

One mail per section with outstanding items (未入力・下書き・差戻し, and 提出済 waiting for its 承認者), to the
section's address and its 入力担当 and 承認者 (閲覧 members cannot act on it). The output lists the same lines in
the same order every run, so a scheduler's log can be compared day to day. Nothing is stored: running it twice
sends the same reminders twice.
"""

from __future__ import annotations

import itertools

from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.models import OUTSTANDING_STATUSES, Indicator, YearStatus
from setagaya_plan.core.fiscal_years import (
    FiscalYearError,
    check_within,
    default_fiscal_year,
    fiscal_year_argument,
    fiscal_year_label,
    plan_years,
)
from setagaya_plan.core.models import FiscalYearSetting, Membership

NOTIFIED_ROLES = (Membership.Role.ENTRY, Membership.Role.APPROVER)
STATUS_ORDER = [YearStatus.RETURNED, YearStatus.MISSING, YearStatus.DRAFT, YearStatus.SUBMITTED]


class Command(BaseCommand):
    help = "所管課ごとに、未提出・差戻し・承認待ちの実績をメールで知らせます（既定は終了した最新の年度）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=fiscal_year_argument, help="年度（2024、令和6年度 など。2024 = 令和6年度）")
        parser.add_argument("--dry-run", action="store_true", help="送信せずに、送る内容の一覧だけを表示します")
        parser.add_argument(
            "--site-url", default="", help="メールに載せる入力画面の URL の先頭（例 https://plan.example.lg.jp）"
        )

    def handle(self, *args, year=None, dry_run=False, site_url="", **options):
        today = timezone.localdate()
        years = plan_years()
        if year is None:
            year = default_fiscal_year(today, years)
        try:
            check_within(year, years)
        except FiscalYearError as error:
            raise CommandError(error.message) from None
        setting = FiscalYearSetting.for_year(year)
        label = fiscal_year_label(year)
        if setting.locked:
            self.stdout.write(f"{label}は締め切られているため、お知らせは送りません。")
            return

        indicators = (
            Indicator.objects.filter(section__isnull=False)
            .for_entry()
            .with_year_report(year)
            .prefetch_related("section__memberships__user")
            .in_plan_order()
        )
        # Sections by name, each section's indicators in plan order (sorted() keeps the plan order within a name).
        indicators = sorted(indicators, key=lambda indicator: indicator.section.name)
        overdue = setting.is_overdue(today)
        url = f"{site_url.rstrip('/')}/entry/?year={year}"
        messages, sent_sections = [], 0
        for section, group in itertools.groupby(indicators, key=lambda i: i.section):
            items = []
            for indicator in group:
                report = indicator.year_reports[0] if indicator.year_reports else None
                status = indicator.year_status(year, report)
                if status in OUTSTANDING_STATUSES or status == YearStatus.SUBMITTED:
                    items.append((status, indicator, report))
            if not items:
                continue
            items.sort(key=lambda item: STATUS_ORDER.index(item[0]))
            recipients = _recipients(section)
            counts = "、".join(
                f"{YearStatus(status).label}{len(list(same))}件"
                for status, same in itertools.groupby(items, key=lambda item: item[0])
            )
            if not recipients:
                self.stdout.write(
                    f"{section.name}: {counts} → 送信先がありません（所管課のメールと所属者のメールが未登録）"
                )
                continue
            context = {
                "section": section,
                "year_label": label,
                "deadline": setting.deadline,
                "overdue": overdue,
                "groups": [
                    (YearStatus(status).label, status, [(indicator, report) for _, indicator, report in same])
                    for status, same in itertools.groupby(items, key=lambda item: item[0])
                ],
                "url": url,
            }
            subject = render_to_string("entry/email/reminder_subject.txt", context).strip()
            body = render_to_string("entry/email/reminder.txt", context)
            messages.append(EmailMessage(subject=subject, body=body, to=recipients))
            sent_sections += 1
            self.stdout.write(f"{section.name}: {counts} → {', '.join(recipients)}")

        if dry_run:
            self.stdout.write(f"{label}: {sent_sections}所管課に送る内容です（--dry-run のため送信していません）。")
            return
        if messages:
            with get_connection() as connection:
                connection.send_messages(messages)
        self.stdout.write(f"{label}: {sent_sections}所管課にお知らせを送信しました。")


def _recipients(section) -> list[str]:
    addresses = [section.email] if section.email else []
    for membership in sorted(section.memberships.all(), key=lambda m: m.user.get_username()):
        email = membership.user.email
        if membership.role in NOTIFIED_ROLES and membership.user.is_active and email and email not in addresses:
            addresses.append(email)
    return addresses
