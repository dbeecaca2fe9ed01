"""実績入力: /entry/ — staff enter actuals, approvers review, planners run each fiscal year."""

from django.urls import path

from indicators.entry import views
from setagaya_plan.core import converters  # noqa: F401 — registers <fiscal_year:…> and <number:…>

app_name = "entry"

urlpatterns = [
    path("", views.my_indicators, name="my_indicators"),
    path("grid/", views.section_grid, name="grid"),
    path("years/", views.fiscal_years, name="fiscal_years"),
    path("years/<fiscal_year:year>/", views.fiscal_year_update, name="fiscal_year_update"),
    path("completeness/", views.completeness, name="completeness"),
    path("overdue/", views.overdue, name="overdue"),
    path("assign/", views.assign, name="assign"),
    path("<str:code>/<fiscal_year:year>/", views.indicator_entry, name="indicator"),
    path("<str:code>/<fiscal_year:year>/review/", views.review, name="review"),
    path("<str:code>/<fiscal_year:year>/reopen/", views.reopen, name="reopen"),
]
