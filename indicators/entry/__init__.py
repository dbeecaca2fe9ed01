"""実績入力 (/entry/): staff enter each fiscal year's actuals, approvers review them, planners run the year.

views.py and urls.py are the pages; forms.py reads and checks what people type; grid.py is the section grid's
rows; workflow.py is the one audited path that changes actuals; proposals.py is where other apps offer a
proposed actual (consultations, from approved counts).
"""
