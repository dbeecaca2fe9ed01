"""{% grade_badge grade %}: the one grade badge (templates/includes/grade_badge.html) for every page."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from indicators.evaluation import grade_badges

register = template.Library()

BADGE_TEMPLATE = "includes/grade_badge.html"


def badge_context(grade, provisional: bool = False) -> dict:
    return {"badges": grade_badges(grade), "provisional": provisional}


@register.inclusion_tag(BADGE_TEMPLATE)
def grade_badge(grade, provisional: bool = False) -> dict:
    return badge_context(grade, provisional)


def render_grade_badge(grade, provisional: bool = False) -> str:
    """The same fragment rendered from Python, for django-tables2 columns."""
    return render_to_string(BADGE_TEMPLATE, badge_context(grade, provisional))
