"""Nobody approves what they entered or submitted in the current review cycle — an indicator's report or a month of
consultation counts, whether they entered on the page, in the grid, by a file or through the admin — unless
ALLOW_SELF_APPROVAL is on; then the approval is allowed and marked 自己承認 in the trail and on the history page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setagaya_plan.core import audit, review
from setagaya_plan.core.models import AuditEntry, Membership, ReviewedRecord
from setagaya_plan.core.review import ReviewError
from tests.import_files import build
from tests.review_kinds import TRAINING, Counts, Reports, approve, submit

# In February 2025 May 2024 has begun, so its counts can be entered; FY2024 actuals are open all year.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_february_2025")]

REFUSED = "はあなたが入力または提出したため、承認できません。"


def _refused(kind, user) -> None:
    before = kind.record()
    with pytest.raises(ReviewError, match=REFUSED):
        approve(kind, user)
    after = kind.record()
    assert (after.status, after.version, after.approved_by) == (ReviewedRecord.Status.SUBMITTED, before.version, None)
    assert not AuditEntry.objects.for_subject(after).filter(action="approve").exists()


@pytest.fixture
def dual_user(kind, section, member):
    """Who enters and may also review: for counts the 地区's 入力担当 who is 承認者 of its 地域 (two sections); an
    indicator's roles are in one section, where only a 計画担当 does both."""
    if isinstance(kind, Counts):
        user = member("dual", section, Membership.Role.ENTRY)
        Membership.objects.create(user=user, section=kind.reviewing_section, role=Membership.Role.APPROVER)
        return user
    return member("dual", section, Membership.Role.PLANNER)


def test_who_entered_and_submitted_is_not_offered_approval_and_a_forged_post_changes_nothing(client, kind, dual_user):
    kind.enter(dual_user)
    submit(kind, dual_user)
    client.force_login(dual_user)
    page = client.get(kind.url).content.decode()
    assert REFUSED in page  # why, in Japanese
    assert 'value="approve"' not in page and 'value="return"' in page  # returning stays possible

    response = kind.approve_post(client)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert kind.record().status == ReviewedRecord.Status.SUBMITTED
    assert not AuditEntry.objects.for_subject(kind.record()).filter(action="approve").exists()

    client.force_login(kind.reviewer)
    assert 'value="approve"' in client.get(kind.url).content.decode()
    assert kind.approve_post(client).status_code == 302
    approved = kind.record()
    assert (approved.status, approved.approved_by, approved.submitted_by) == ("approved", kind.reviewer, dual_user)


def test_a_planner_who_entered_may_not_approve(kind, planner_user, entry_user):
    kind.enter(planner_user)
    submit(kind, entry_user)
    _refused(kind, planner_user)
    assert approve(kind, kind.reviewer).status == "approved"


def test_who_only_submitted_may_not_approve(kind, planner_user, entry_user):
    kind.enter(entry_user)
    submit(kind, planner_user)
    _refused(kind, planner_user)


def test_an_importer_may_not_approve_what_the_file_brought(kind, planner_user, entry_user):
    kind.import_file(planner_user)
    submit(kind, entry_user)
    _refused(kind, planner_user)
    assert approve(kind, kind.reviewer).status == "approved"


def test_an_import_into_a_submitted_record_makes_the_importer_one_who_entered(kind, planner_user, entry_user):
    kind.enter(entry_user)
    submit(kind, entry_user)
    kind.import_file(planner_user, value=6)  # back to 下書き with the file's value
    submit(kind, entry_user)
    _refused(kind, planner_user)


def test_who_entered_in_the_grid_may_not_approve(planner_user, entry_user, approver_user):
    kind = Reports(approver_user)
    kind.enter(planner_user, source=audit.GRID)
    submit(kind, entry_user)
    _refused(kind, planner_user)


def test_the_admin_import_of_actuals_counts_as_entering(client, entry_user, approver_user):
    # Consultation counts have no admin path: the admin shows them read-only (tests/test_admin.py).
    kind = Reports(approver_user)
    chief = get_user_model().objects.create_superuser("chief", "chief@example.jp", "pw")
    client.force_login(chief)
    data = build.xlsx({"実績": [["コード", "年度", "実績"], [TRAINING, 2024, 5]]})
    upload = {"import_file": SimpleUploadedFile("実績.xlsx", data), "format": "0", "resource": "0"}
    preview = client.post(reverse("admin:indicators_report_import"), upload)
    form = preview.context["confirm_form"]
    client.post(reverse("admin:indicators_report_process_import"), {name: form[name].value() for name in form.fields})
    assert AuditEntry.objects.for_subject(kind.record()).get().user == chief
    submit(kind, entry_user)
    _refused(kind, chief)
    response = kind.approve_post(client)
    assert REFUSED in response.content.decode() and kind.record().status == "submitted"


def test_a_new_review_cycle_starts_at_reopening(kind, planner_user, entry_user):
    kind.enter(kind.reviewer)  # the reviewer entered the first version …
    submit(kind, entry_user)
    approve(kind, planner_user)  # … which somebody else approved
    review.reopen(kind.rules, kind.record(), planner_user, kind.record().version, "数え直し")
    kind.enter(entry_user, 6)
    submit(kind, entry_user)
    assert approve(kind, kind.reviewer).status == "approved"  # what they did before is not this cycle


def test_with_allow_self_approval_it_is_allowed_and_marked(client, settings, kind, dual_user):
    settings.ALLOW_SELF_APPROVAL = True
    kind.enter(dual_user)
    submit(kind, dual_user)
    client.force_login(dual_user)
    page = client.get(kind.url).content.decode()
    assert 'value="approve"' in page and REFUSED not in page
    assert kind.approve_post(client).status_code == 302
    entry = AuditEntry.objects.for_subject(kind.record()).get(action="approve")
    assert (entry.user, entry.self_approved) == (dual_user, True)
    assert "自己承認" in client.get(kind.url).content.decode()  # the history page says so


def test_with_allow_self_approval_another_persons_approval_is_not_marked(settings, kind, entry_user):
    settings.ALLOW_SELF_APPROVAL = True
    kind.enter(entry_user)
    submit(kind, entry_user)
    approve(kind, kind.reviewer)
    assert AuditEntry.objects.for_subject(kind.record()).get(action="approve").self_approved is False


def test_the_list_form_of_the_rule_agrees_with_the_single_one(settings, kind, planner_user, entry_user):
    # self_approval_refused decides for the work queue what self_approval_refusal decides on the record's page.
    kind.enter(planner_user)
    submit(kind, entry_user)
    record = kind.record()
    for user, refused in ((planner_user, True), (entry_user, True), (kind.reviewer, False)):
        assert bool(review.self_approval_refusal(kind.rules, record, user)) is refused
        assert review.self_approval_refused([record], user) == ({record.pk} if refused else set())
    settings.ALLOW_SELF_APPROVAL = True
    assert review.self_approval_refused([record], planner_user) == set()
    assert review.self_approval_refused([], planner_user) == set()
