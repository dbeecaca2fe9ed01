"""Import and export of the plan's spreadsheets (docs/import.md).

The pipeline, one module per step:

1. `safety`    — size cap, file type (.xlsx / .csv; .xls and encrypted files refused), zip-bomb and row-cap checks,
                 all before anything is parsed.
2. `grid`      — the workbook (openpyxl in normal mode, merged ranges filled, formulas never evaluated) or the CSV
                 (UTF-8 or cp932) as plain sheets of cells.
3. `layouts`   — which layout each sheet is, found by the content of its header row, never by row numbers; `flat`,
                 `printed` and `actuals` turn sheets into one canonical tablib Dataset (`datasets`), with the sheet,
                 row and column of every value kept for messages. `cells` reads the printed value cells.
4. `resources` — django-import-export resources that import that Dataset row by row (`plan_rows`, `actual_rows`)
                 inside one transaction; a dry run is the same work rolled back.
5. `preview`   — the result as rows of new / changed / unchanged / conflict / error for the page, admin and command.
6. `pending`   — an upload waiting for confirmation, kept in the shared cache (never a file on one server).

The planners' pages (/imports/) are `views` and `urls`; the admin's import and export, `admin`; the command,
`manage.py import_plan_workbook`.
"""
