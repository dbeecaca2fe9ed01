"""実績入力: /entry/ — staff enter actuals, approvers review, planners run each fiscal year."""

from django.urls import path

from indicators.entry import views

app_name = "entry"

urlpatterns = [
    path("", views.my_indicators, name="my_indicators"),
    path("grid/", views.section_grid, name="grid"),
    path("years/", views.fiscal_years, name="fiscal_years"),
    path("years/<int:year>/", views.fiscal_year_update, name="fiscal_year_update"),
    path("completeness/", views.completeness, name="completeness"),
    path("overdue/", views.overdue, name="overdue"),
    path("assign/", views.assign, name="assign"),
    path("<str:code>/<int:year>/", views.indicator_entry, name="indicator"),
    path("<str:code>/<int:year>/review/", views.review, name="review"),
    path("<str:code>/<int:year>/reopen/", views.reopen, name="reopen"),
]
