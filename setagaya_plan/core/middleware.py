"""Requests no page of the project can answer: refused at the edge with HTTP 400, before any view or query runs."""

from __future__ import annotations

from django.http import HttpResponseBadRequest

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE_NUL = "URL または送信された内容に使えない文字（NUL）が含まれています。"


class RefuseNulMiddleware:
    """A NUL character (%00) in the path, a query value or a form value: 400, never a 500.

    No value of the project may hold one, and PostgreSQL refuses it in any string (the query would fail with a
    server error wherever the value reaches the database: a code in a URL, a search, a filter). Checked once here
    instead of in every view; uploaded files are bytes and are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return HttpResponseBadRequest(MESSAGE_NUL, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request) -> bool:
    if NUL in request.path_info:
        return True
    forms = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        forms.append(request.POST)
    return any(NUL in key or any(NUL in value for value in form.getlist(key)) for form in forms for key in form)
