"""The two kinds of reviewed record, driven the same way by the tests of the review workflow: an indicator's report
of actuals (Reports) and a 地区's month of consultation counts (Counts). Counts need a date after May 2024."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from consultations import imports
from consultations.models import Area, Category, CountReport, District, WindowType
from consultations.workflow import COUNT_REVIEW, Place, save_counts
from indicators.entry.workflow import REPORT_REVIEW, SeriesValue, save_report
from indicators.importing.preview import apply_upload
from indicators.models import Indicator, Report
from setagaya_plan.core import audit, review
from setagaya_plan.core.models import Membership, Section
from tests.import_files import build

TRAINING = "G1-M01-V1-A3"  # 推進施策1 行動量3: 研修 5回 each year, so 5 needs no factor analysis


class Reports:
    """An indicator's report of 2024 actuals: entered by its section, approved by its section's 承認者."""

    name = "reports"
    rules = REPORT_REVIEW

    def __init__(self, approver):
        self.reviewer = approver
        self.indicator = Indicator.objects.get(code=TRAINING)
        self.url = reverse("entry:indicator", args=[TRAINING, 2024])

    def record(self) -> Report:
        return Report.objects.get(indicator=self.indicator, fiscal_year=2024)

    def enter(self, user, value=5, source=audit.SCREEN):
        found = Report.objects.filter(indicator=self.indicator, fiscal_year=2024).first()
        return save_report(
            indicator=self.indicator,
            fiscal_year=2024,
            user=user,
            values={"": SeriesValue(Decimal(value))},
            expected_version=found.version if found else None,
            source=source,
        )

    def import_file(self, user, value=5):
        data = build.xlsx({"実績": [["コード", "年度", "実績"], [TRAINING, 2024, value]]})
        assert not apply_upload("実績.xlsx", data, user=user, overwrite_confirmed=True).has_errors

    def approve_post(self, client):
        data = {"version": self.record().version, "decision": "approve", "reason": ""}
        return client.post(reverse("entry:review", args=[TRAINING, 2024]), data)


class Counts:
    """池尻地区's counts of May 2024: entered by the 地区's section, approved by the reviewing section of 世田谷地域."""

    name = "counts"
    rules = COUNT_REVIEW

    def __init__(self, section, member):
        """`section` enters the 地区's counts; `member` is the fixture that makes the 地域's approver."""
        reviewing = Section.objects.create(name="世田谷総合支所 保健福祉課")
        District.objects.filter(code="ikejiri").update(section=section)
        Area.objects.filter(code="setagaya").update(reviewing_section=reviewing)
        self.reviewing_section = reviewing
        self.reviewer = member("area_approver", reviewing, Membership.Role.APPROVER)
        self.place = Place(district=District.objects.get(code="ikejiri"))
        self.cell = (WindowType.objects.get(name="まちづくりセンター"), Category.objects.get(name="高齢"))
        self.url = reverse("consultations:grid", args=["ikejiri", 2024, 5])

    def record(self) -> CountReport:
        return self.place.reports().get(fiscal_year=2024, month=5)

    def enter(self, user, value=12, source=audit.GRID):
        return save_counts(
            place=self.place,
            fiscal_year=2024,
            month=5,
            user=user,
            values={self.cell: value},
            expected_version=None,
            source=source,
        )

    def import_file(self, user, value=12):
        window, category = self.cell
        row = imports.ImportRow(1, self.place.district.pk, None, 2024, 5, window.pk, None, category.pk, value)
        imports.apply([row], user, "相談件数.xlsx")

    def approve_post(self, client):
        return client.post(self.url, {"version": self.record().version, "action": "approve", "reason": ""})


def submit(kind, user):
    return review.submit(kind.rules, kind.record(), user, kind.record().version)


def approve(kind, user, comment=""):
    return review.approve(kind.rules, kind.record(), user, kind.record().version, comment)
