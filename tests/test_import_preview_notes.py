"""The import preview's word beside a change: the value with its unit, the year's target, and a warning for a change
of kind (number ↔ words) or beyond ±50 %; 取り込む at the top and the bottom of the page.

補助対象住宅の新規登録件数 (G1-M05-V1-A2): 令和6・7年度の目標 8件; お部屋探しサポートの利用相談者数 (G1-M05-V1-A1):
令和6年度の目標 290人 (printed plan, 第4章 推進施策5 めざす姿1, tests/source_expectations/measure05.py).
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators.importing.change_notes import change_warning
from indicators.importing.preview import apply_upload, preview_upload
from tests.import_files import build

pytestmark = pytest.mark.django_db

HOUSING = "G1-M05-V1-A2"  # 補助対象住宅の新規登録件数（件）
ROOMS = "G1-M05-V1-A1"  # お部屋探しサポートの利用相談者数（人）


@pytest.mark.parametrize(
    "old_value, old_text, new_value, new_text, expected",
    [
        (Decimal(8), "", None, "abc", "数値が文章に変わります"),
        (None, "一部運用", Decimal(3), "", "文章が数値に変わります"),
        (Decimal(8), "", Decimal(20), "", "+150.0%の変更です（±50%を超えています）"),
        (Decimal(100), "", Decimal(49), "", "−51.0%の変更です"),
        (Decimal("13.8"), "", Decimal("1.38"), "", "−90.0%の変更です"),  # a decimal point in the wrong place
        (Decimal(8), "", Decimal(12), "", ""),  # +50 %: not beyond
        (Decimal(8), "", Decimal(4), "", ""),  # −50 %
        (Decimal(0), "", Decimal(5), "", ""),  # no base to compare with
        (None, "", Decimal(5), "", ""),  # new: nothing to compare
        (Decimal(8), "", None, "", ""),  # removed
        (None, "一部運用", None, "全面運用", ""),  # words to words
        (Decimal(8), "延べ", Decimal(9), "延べ", ""),  # a number with a note stays a number
    ],
)
def test_which_changes_are_warned(old_value, old_text, new_value, new_text, expected):
    warning = change_warning(old_value, old_text, new_value, new_text)
    assert (expected in warning) if expected else warning == ""


def _targets(*values) -> bytes:
    header = ["コード", "名称", "令和6年度（2024年度）", "令和7年度（2025年度）"]
    return build.xlsx({"指標": [header, [HOUSING, "補助対象住宅の新規登録件数", *values]]})


def test_a_target_turned_to_words_or_far_off_is_warned_with_its_unit(planner_user):
    row = preview_upload("plan.xlsx", _targets("abc", 20), user=planner_user).rows[0]
    assert row.status == "changed"
    assert row.changes == [
        ("令和6年度（2024年度）目標", "8件", "abc"),
        ("令和7年度（2025年度）目標", "8件", "20件"),
    ]
    assert len(row.warnings) == 2
    assert row.warnings[0].startswith("令和6年度（2024年度）目標：数値が文章に変わります。")
    assert row.warnings[1].startswith("令和7年度（2025年度）目標：+150.0%の変更です")


def test_an_ordinary_change_has_no_warning(planner_user):
    preview = preview_upload("plan.xlsx", _targets(9, 10), user=planner_user)
    assert preview.rows[0].warnings == [] and preview.warning_count == 0


def _actuals(*rows) -> bytes:
    return build.xlsx({"実績": [["コード", "年度", "実績"], *rows]})


def test_an_actual_shows_its_unit_the_years_target_and_a_warning_when_far_off(planner_user):
    apply_upload("a.xlsx", _actuals([ROOMS, 2024, 295]), user=planner_user)
    row = preview_upload("b.xlsx", _actuals([ROOMS, 2024, 2950]), user=planner_user).rows[0]
    assert row.changes == [("実績", "295人", "2,950人")]
    assert row.note == "令和6年度（2024年度）の目標：290人"
    assert row.warnings == ["実績：+900.0%の変更です（±50%を超えています）。桁や単位の誤りがないか確認してください。"]
    unchanged = preview_upload("c.xlsx", _actuals([ROOMS, 2024, 295]), user=planner_user).rows[0]
    assert unchanged.status == "unchanged" and unchanged.note == "令和6年度（2024年度）の目標：290人"


@pytest.fixture
def preview_page(client, planner_user):
    """The preview page of a file that changes a target to words and another by +150 %."""
    client.force_login(planner_user)
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("plan.xlsx", _targets("abc", 20)), "sheet": ""}
    )
    return client.get(response["Location"]).content.decode()


def test_the_page_offers_confirm_at_the_top_and_the_bottom_of_the_list(preview_page):
    top, rest = preview_page.split("<h2>新規・変更・エラーの行</h2>")
    assert '<form method="post" action="/imports/' in top and 'id="import-confirm"' in top
    assert top.count(">取り込む</button>") == 1
    # Below the list: a button of the same form, so the overwrite box above goes with it.
    assert rest.count('<button type="submit" class="button" form="import-confirm">取り込む</button>') == 1


def test_the_page_counts_and_marks_the_rows_to_look_at(preview_page):
    assert "±50%を超える変更を含む行が 1 件あります" in preview_page  # one row holds both warnings
    assert preview_page.count("<strong>要確認：</strong>") == 2
    assert '<del><span class="visually-hidden">変更前 </span>8件</del>' in preview_page
    assert "<ins>20件</ins>" in preview_page


def test_the_command_prints_the_warnings(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_targets("abc", 20))
    out = io.StringIO()
    call_command("import_plan_workbook", str(path), "--dry-run", stdout=out)
    assert "令和6年度（2024年度）目標 8件 → abc" in out.getvalue()
    assert "    要確認：令和6年度（2024年度）目標：数値が文章に変わります。" in out.getvalue()
