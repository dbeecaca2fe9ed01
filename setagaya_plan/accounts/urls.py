"""/accounts/: the login locks in force, for planners.

The password change is Django's own, in setagaya_plan/urls.py.
"""

from django.urls import path

from setagaya_plan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.unlock, name="unlock"),
]
