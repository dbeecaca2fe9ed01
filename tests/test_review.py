"""setagaya_plan.core.review, the one review workflow, for both kinds of record: what the two copies it replaced did
differently is settled here (an import takes the approval away, comments are stripped, errors name their field,
a closed year offers no review), and who submitted and approved is kept on the record."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from indicators.entry.workflow import set_year_lock
from setagaya_plan.core import review
from setagaya_plan.core.models import AuditEntry
from setagaya_plan.core.review import ReviewError, VersionConflict
from tests.review_kinds import Counts, approve, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_february_2025")]


def test_submitter_and_approver_are_kept_and_reopening_takes_the_approval_away(kind, entry_user, planner_user):
    kind.enter(entry_user)
    submit(kind, entry_user)
    record = kind.record()
    assert (record.status, record.submitted_by, record.submitted_at is not None) == ("submitted", entry_user, True)
    approve(kind, kind.reviewer)
    record = kind.record()
    assert (record.status, record.approved_by, record.approved_at is not None) == ("approved", kind.reviewer, True)
    review.reopen(kind.rules, record, planner_user, record.version, "集計の誤り")
    record = kind.record()
    assert (record.status, record.approved_by, record.approved_at, record.return_reason) == (
        "returned",
        None,
        None,
        "集計の誤り",
    )
    assert record.submitted_by == entry_user  # the latest submission stays known


def test_an_import_into_an_approved_record_sends_it_to_draft_without_its_approval(kind, entry_user, planner_user):
    # Settled: one copy cleared approved_at on such an import and the other did not. What was approved is no
    # longer what the record holds, so the approval goes.
    kind.enter(entry_user)
    submit(kind, entry_user)
    approve(kind, kind.reviewer)
    kind.import_file(planner_user, 6)
    record = kind.record()
    assert (record.status, record.approved_at, record.approved_by) == ("draft", None, None)
    imported = AuditEntry.objects.for_subject(record).latest("pk")
    assert (imported.action, imported.user) == ("import", planner_user)
    assert imported.changes["状態"] == ["承認済", "下書き"]


def test_a_returned_record_edited_on_screen_stays_returned(kind, entry_user):
    kind.enter(entry_user)
    submit(kind, entry_user)
    review.send_back(kind.rules, kind.record(), kind.reviewer, kind.record().version, "根拠を添えてください")
    kind.enter(entry_user, 7)
    assert kind.record().status == "returned"


def test_comments_and_reasons_are_stripped_in_both(kind, entry_user):
    # Settled: one copy stripped approval comments, the other kept the spaces.
    kind.enter(entry_user)
    submit(kind, entry_user)
    approve(kind, kind.reviewer, comment="  確認しました\n")
    assert AuditEntry.objects.for_subject(kind.record()).get(action="approve").comment == "確認しました"


def test_a_blank_reason_is_refused_and_names_its_field(kind, entry_user):
    kind.enter(entry_user)
    submit(kind, entry_user)
    with pytest.raises(ReviewError) as refused:
        review.send_back(kind.rules, kind.record(), kind.reviewer, kind.record().version, "　 ")
    assert (refused.value.message, refused.value.field) == ("差戻しの理由を入力してください。", "reason")
    assert kind.record().status == "submitted"


def test_the_counts_page_puts_a_missing_reason_on_its_field(client, entry_user, section, member):
    # Settled: the page once chose the field by looking for 「理由」 in the message text.
    kind = Counts(section, member)
    kind.enter(entry_user)
    submit(kind, entry_user)
    client.force_login(kind.reviewer)
    response = client.post(kind.url, {"version": kind.record().version, "action": "return", "reason": ""})
    assert response.context["review_form"].errors == {"reason": ["差戻しの理由を入力してください。"]}
    assert 'href="#id_reason"' in response.content.decode()
    assert kind.record().status == "submitted"


def test_a_stale_version_is_a_conflict_that_names_who_saved(kind, entry_user):
    kind.enter(entry_user)
    stale = kind.record()
    submit(kind, entry_user)
    with pytest.raises(VersionConflict) as conflict:
        review.approve(kind.rules, stale, kind.reviewer, stale.version)
    assert "staff_aさんが" in conflict.value.message and isinstance(conflict.value, ReviewError)
    assert conflict.value.record.version == stale.version + 1
    assert kind.record().status == "submitted"


def test_a_closed_year_offers_no_review_and_refuses_it(client, kind, entry_user, planner_user):
    # Settled: the counts page offered 承認・差戻し in a closed year (and then refused them).
    kind.enter(entry_user)
    submit(kind, entry_user)
    set_year_lock(2024, planner_user, True)
    client.force_login(kind.reviewer)
    page = client.get(kind.url).content.decode()
    assert 'value="approve"' not in page and 'value="return"' not in page
    assert review.options(kind.rules, kind.record(), kind.reviewer) == review.ReviewOptions()
    with pytest.raises(ReviewError, match="締め切られているため変更できません"):
        approve(kind, kind.reviewer)


def test_the_history_shows_times_in_tokyo(client, kind, entry_user):
    with time_machine.travel(datetime.datetime(2025, 2, 14, 15, 30, tzinfo=datetime.UTC), tick=False):
        kind.enter(entry_user)  # 2025-02-15 00:30 in Tokyo
    client.force_login(entry_user)
    page = client.get(kind.url).content.decode()
    assert "2025-02-15 00:30" in page and "2025-02-14 15:30" not in page


def test_the_page_of_a_record_nobody_may_review_offers_nothing(kind, entry_user, viewer_user):
    kind.enter(entry_user)
    submit(kind, entry_user)
    assert review.options(kind.rules, kind.record(), viewer_user) == review.ReviewOptions()
    assert review.options(kind.rules, None, kind.reviewer) == review.ReviewOptions()
    offered = review.options(kind.rules, kind.record(), kind.reviewer)
    assert (offered.approve, offered.send_back, offered.reopen, offered.approve_refusal) == (True, True, False, "")
