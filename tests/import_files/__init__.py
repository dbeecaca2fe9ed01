"""Test workbooks BUILT IN CODE with openpyxl (no binary fixtures): generic builders (`build`), the printed tables of
推進施策5 and 推進施策10 transcribed from the printed plan (`source_tables`), and broken files (`broken`)."""
