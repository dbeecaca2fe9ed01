from django.urls import path

from indicators.progress import views
from setagaya_plan.core import converters  # noqa: F401 — registers <fiscal_year:…> and <number:…>

app_name = "progress"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/export/<str:fmt>/", views.indicator_export, name="indicator_export"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("indicators/<str:code>/baseline/", views.baseline_confirm, name="baseline"),
    path("measures/<number:goal>-<number:number>/", views.measure_detail, name="measure"),
    path("report/<fiscal_year:year>/", views.annual_report, name="report"),
    path("report/<fiscal_year:year>/xlsx/", views.annual_report_xlsx, name="report_xlsx"),
    path("settings/", views.evaluation_settings, name="settings"),
    path("revisions/", views.revision_list, name="revisions"),
    path("revisions/<number:number>/", views.revision_detail, name="revision"),
]
