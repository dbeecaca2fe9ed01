"""相談支援: roll-ups, the plan's statistics, the registry, monthly entry and review, import and export."""

from django.urls import path

from consultations import views
from setagaya_plan.core import converters  # noqa: F401 — registers <fiscal_year:…> and <number:…>

app_name = "consultations"

urlpatterns = [
    path("", views.ward_totals, name="index"),
    path("places/", views.place_totals, name="places"),
    path("trends/", views.trends, name="trends"),
    path("statistics/", views.statistics, name="statistics"),
    path("agencies/", views.agencies, name="agencies"),
    path("entry/", views.entry_index, name="entry"),
    path("entry/<slug:place>/<fiscal_year:fiscal_year>/<number:month>/", views.entry_grid, name="grid"),
    path("review/", views.review_list, name="review"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("export/", views.export, name="export"),
    path("categories/", views.categories, name="categories"),
]
