from django.urls import path

from indicators.public import views
from setagaya_plan.core import converters  # noqa: F401 — registers <fiscal_year:…> and <number:…>

app_name = "public"

# Every view answers 404 unless settings.PUBLIC_SITE_ENABLED (checked per request, so the setting can change).
urlpatterns = [
    path("", views.home, name="home"),
    path("measures/<number:goal>-<number:number>/", views.measure, name="measure"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
]
