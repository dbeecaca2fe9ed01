from django.urls import path

from indicators.importing import views as import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("downloads/template.<str:fmt>", import_views.template_download, name="template"),
    path("downloads/printed.xlsx", import_views.printed_download, name="printed"),
    path("downloads/actuals.xlsx", import_views.actuals_download, name="actuals"),
    path("<str:token>/", import_views.preview, name="preview"),
    path("<str:token>/confirm/", import_views.confirm, name="confirm"),
    path("<str:token>/cancel/", import_views.cancel, name="cancel"),
]
