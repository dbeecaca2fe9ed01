"""The dashboard read in ten seconds on a 1366×768 display: the first two screens name every 推進施策 of 基本目標1
with its verdict (text and symbol); the flagged indicators open on demand; worst first on request."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from bench.plan_data import approve
from indicators.models import Indicator
from measures.models import Measure

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1366, "height": 768}
VERDICT_TEXTS = {"◎順調", "△一部に遅れ", "×遅れ", "－評価前"}


@pytest.fixture
def graded(demo_users, django_user_model):
    user = django_user_model.objects.get(username="demo_planner")
    # 推進施策1 研修 ５回 → 3回: 60% 未達成; 推進施策9 ティーンズプロジェクト 140回: 達成.
    approve(Indicator.objects.get(code="G1-M01-V1-A3"), 2024, user, {"": Decimal(3)})
    approve(Indicator.objects.get(code="G1-M09-V1-A1"), 2024, user, {"": Decimal(140)})
    return user


def test_first_two_screens_name_every_measure_of_goal_1_with_its_verdict(graded, log_in, live_server, page: Page):
    page.set_viewport_size(SCREEN)
    log_in("demo_planner")
    page.goto(f"{live_server.url}/progress/?year=2024")
    expect(page.get_by_role("heading", level=1)).to_have_text("進捗状況　令和6年度（2024年度）")

    table_name = "基本目標1の推進施策別の判定と評価（令和6年度（2024年度））"
    table = page.get_by_role("table", name=table_name)
    two_screens = 2 * SCREEN["height"]
    measures = list(Measure.objects.filter(goal__number=1).order_by("number"))
    assert len(measures) == 10
    for measure in measures:
        name = f"推進施策{measure.number}　{measure.title}"
        row = table.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row).to_have_count(1)
        box = row.bounding_box()
        assert box["y"] + box["height"] <= two_screens, f"{name} ends at {box['y'] + box['height']}px"
        verdict = row.locator(".verdict-cell").text_content().strip()
        assert verdict in VERDICT_TEXTS, (name, verdict)
    row1 = table.get_by_role("row").filter(has=page.get_by_role("link", name="推進施策1　", exact=False)).first
    expect(row1.locator(".verdict-cell")).to_have_text("×遅れ")
    # No sideways scroll at this width.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    # The flagged indicator is folded to its count; opened, it links to its row on the measure page.
    link = row1.get_by_role("link", name="地域包括ケアの地区展開に関する研修の実施及び動画公開")
    expect(link).to_be_hidden()
    row1.get_by_text("注意 1件").click()
    expect(link).to_be_visible()
    expect(row1.locator(".attention-list .grade")).to_have_text("×未達成")

    # Worst first, then only those falling short.
    page.get_by_label("並び順").select_option(label="注意の割合が高い順")
    page.get_by_label("表示する推進施策").select_option(label="注意の指標がある推進施策だけ")
    page.get_by_role("button", name="表示").click()
    rows = page.get_by_role("table", name=table_name).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text("推進施策1　地区で相談を受け止め、つながり続ける仕組み")
