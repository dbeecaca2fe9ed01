"""The checks before parsing (size, type, zip bomb, rows) and the workbook reader (merged cells, formulas, XML)."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from setagaya_plan.core.uploads import ImportFileError, safety
from setagaya_plan.core.uploads.sheets import read_xlsx
from tests.import_files import broken, build


def test_defusedxml_is_what_openpyxl_parses_with():
    import defusedxml  # noqa: F401 - installed (pyproject) so that openpyxl uses it

    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(ImportFileError) as caught:
        read_xlsx(broken.xml_bomb())
    assert "安全でない XML" in caught.value.message


def test_a_formula_is_never_evaluated_its_saved_result_is_read():
    data = build.xlsx({"指標": [["コード", "名称", "令和6年度"], ["G1", "x", "=1+1"]]})
    # A deliberately "wrong" saved result proves the formula is not computed.
    data = build.cache_formula_result(data, "xl/worksheets/sheet1.xml", "C2", "3")
    sheet = read_xlsx(data)[0]
    assert sheet.get(2, 3).value == 3


def test_merged_cells_are_filled_and_remember_their_range():
    data = build.xlsx(
        {"表": [["a", None, None], [None, "b", None], [None, None, None]]}, merges={"表": ["A1:C1", "B2:B3"]}
    )
    sheet = read_xlsx(data)[0]
    assert [sheet.get(1, c).value for c in (1, 2, 3)] == ["a", "a", "a"]
    assert sheet.get(1, 3).span == (1, 1, 1, 3)
    assert (sheet.get(3, 2).value, sheet.get(3, 2).origin) == ("b", (2, 2))


@pytest.mark.parametrize(
    ("name", "kind"),
    [("plan.xlsx", safety.XLSX), ("PLAN.XLSX", safety.XLSX), ("実績.csv", safety.CSV)],
)
def test_the_kind_of_file_comes_from_its_name_and_content(name, kind):
    data = build.xlsx({"s": [["x"]]}) if kind == safety.XLSX else "コード,年度,実績\r\n".encode()
    assert safety.check_upload(name, data) == kind


def test_rows_are_counted_in_the_xml_even_across_chunks(settings):
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 30001))
    xml = f'<worksheet xmlns="x"><sheetData>{rows}</sheetData><rowBreaks count="0"/></worksheet>'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/worksheets/sheet1.xml", xml)
    archive = zipfile.ZipFile(out)
    settings.IMPORT_MAX_ROWS = 10**6
    assert safety._count_rows(archive, archive.getinfo("xl/worksheets/sheet1.xml")) == 30000
    assert len(re.findall(rb"<row[\s>/]", xml)) == 30000


def test_the_row_cap_applies_to_the_whole_workbook(settings):
    settings.IMPORT_MAX_ROWS = 10
    data = build.xlsx({"a": [[n] for n in range(6)], "b": [[n] for n in range(6)]})
    with pytest.raises(ImportFileError) as caught:
        safety.check_upload("x.xlsx", data)
    assert caught.value.message.startswith("行数が多すぎます（12行以上）")


def test_a_zip_member_marked_encrypted_is_a_protected_file():
    data = bytearray(build.xlsx({"s": [["x"]]}))
    # Set the "encrypted" flag bit in every local and central header, as a zip password does.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            data[match.start() + offset] |= 0x01
    with pytest.raises(ImportFileError) as caught:
        safety.check_upload("x.xlsx", bytes(data))
    assert caught.value.message == safety.MESSAGE_ENCRYPTED


def test_a_csv_is_refused_over_the_row_cap(settings):
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileError):
        safety.check_upload("x.csv", b"a\nb\nc\nd\n")
    assert safety.check_upload("x.csv", b"a\nb\nc\n") == safety.CSV
