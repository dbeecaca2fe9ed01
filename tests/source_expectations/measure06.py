"""推進施策6 日常生活の支援 — read from the printed plan (第4章)."""

from tests.source_expectations.cells import SAME, deferred, text  # noqa: F401

# (vision number, kind) -> number of indicator rows printed in that table
COUNTS = {
    (1, "行動量"): 1,
    (1, "成果指標"): 1,
}

ROWS = [
    # (vision, kind, number, part, unit, baseline, baseline_note, (2024, 2025, 2026, 2027), total)
    # 四者連携会議の開催回数
    (1, "行動量", "1", "", "回", "280", "令和5年度見込み", ("280", "280", "280", "280"), "1120"),
    # 生活支援サービスの年度末件数（累計）
    (1, "成果指標", "1", "", "件", "80", "", ("82", "85", "87", "90"), "90"),
]
