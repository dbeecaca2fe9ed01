from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from measures import views as measure_views

admin.site.site_header = "世田谷区地域保健医療福祉総合計画 管理画面"
admin.site.site_title = "計画管理"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("", measure_views.plan_overview, name="home"),
    path("start/", measure_views.landing, name="landing"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("entry/", include("indicators.entry.urls")),
    path("progress/", include("indicators.progress.urls")),
    path("public/", include("indicators.public.urls")),
    path("imports/", include("indicators.importing.urls")),
    path("consultations/", include("consultations.urls")),
    path("accounts/", include("setagaya_plan.accounts.urls")),
    path("admin/", admin.site.urls),
]

# A database that does not answer gets the 503 page ("しばらくしてから…"), any other failure the 500 page.
handler500 = "setagaya_plan.operations.errors.server_error"
