"""進捗状況 (/progress/): the dashboard, the indicator list and its exports, the measure and indicator pages, the
annual progress report (print and xlsx), and the planners' evaluation settings and confirmed baselines.

views.py is thin; years.py picks the year shown; overview.py (per 推進施策 and 基本目標) and pages.py (a measure, an
indicator) build what pages show and are shared with the public site and report_xlsx.py; charts.py is the SVG
geometry; tables.py the printed tables and list rows; filters.py the list's filters; forms.py what planners type.
None of the builders imports back from a module that imports it.
"""
