"""ログインの停止: planners see the login locks in force and lift one (the same as `manage.py axes_reset_username`)."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from setagaya_plan.accounts.lockout import locks_in_force
from setagaya_plan.core import audit
from setagaya_plan.core.access import planner_required
from setagaya_plan.core.models import AuditEntry


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", "ユーザー名"), ("ip_address", "接続元アドレス")])
    value = forms.CharField(max_length=255)


@planner_required
@require_GET
def lockouts(request):
    return render(request, "accounts/lockouts.html", {"locks": locks_in_force(), "is_planner": True})


@planner_required
@require_POST
def unlock(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "解除する対象が正しく送信されませんでした。一覧から選び直してください。")
        return redirect("accounts:lockouts")
    kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
    removed = AxesProxyHandler.reset_attempts(**{kind: value})
    label = dict(form.fields["kind"].choices)[kind]
    if removed:
        changes = {f"{label}「{value}」のログイン停止": ["停止中", "解除"]}
        account = get_user_model().objects.filter(username=value).first() if kind == "username" else None
        audit.log(account, AuditEntry.Action.UNLOCK_LOGIN, request.user, changes=changes)
        messages.success(request, f"{label}「{value}」のログイン停止を解除しました。")
    else:
        messages.info(request, f"{label}「{value}」は停止されていません（すでに解除されたか、期限が過ぎています）。")
    return redirect("accounts:lockouts")
