"""Publishing, freezing, acknowledging, the gate, quizzes, reviews and reminders, through the services."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from policies import selectors, services
from policies.models import Acknowledgement, Policy, PolicyVersion, QuizAttempt, ReminderLog
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .factories import BODY_V1, BODY_V2, author_of, make_policy, publish, published_policy

pytestmark = pytest.mark.django_db

QUIZ = """Q: What do you add when you post about our products?
- Nothing
* A disclosure that you work here
Q: Who answers press questions?
* The communications team
- Anyone
"""


def test_publish_freezes_text_and_hash(org, hr):
    policy = make_policy(org, actor=hr)
    version = publish(org, policy, actor=hr)
    assert version.number == 1 and version.status == PolicyVersion.Status.PUBLISHED
    assert version.body_markdown == BODY_V1
    assert version.content_sha256 == hashlib.sha256(version.body_html.encode()).hexdigest()
    assert "<h2>Purpose</h2>" in version.body_html
    with organization_scope(org):
        assert AuditEvent.objects.filter(action="policy.published").count() == 1
        policy.refresh_from_db()
        assert policy.current_version_id == version.pk
        assert policy.review_due_on == services.add_months(timezone.localdate(), 12)
        # the database refuses to change a published text, whatever the code path
        with pytest.raises(Exception, match="frozen"), transaction.atomic():
            PolicyVersion.objects.filter(pk=version.pk).update(body_html="<p>other</p>")
        with pytest.raises(ValidationError):
            services.draft_save(organization=org, actor=hr, version=version, title="x", body_markdown="changed")


def test_material_publish_needs_new_acks_editorial_carries_over(org, hr, employee):
    policy, v1 = published_policy(org, actor=hr)
    with organization_scope(org):
        services.acknowledge(organization=org, actor=employee, version=v1)
    v2 = publish(org, policy, actor=hr, body=BODY_V1 + "\nA typo fix.\n", change_kind="editorial")
    with organization_scope(org):
        assert v2.ack_anchor_id == v1.pk
        assert selectors.valid_acknowledgement(organization=org, user=employee, version=v2) is not None
        assert not selectors.pending_for_member(organization=org, user=employee)
    v3 = publish(org, policy, actor=hr, body=BODY_V2, change_kind="material")
    with organization_scope(org):
        assert v3.ack_anchor_id == v3.pk
        assert selectors.valid_acknowledgement(organization=org, user=employee, version=v3) is None
        assert [p.pk for p in selectors.pending_for_member(organization=org, user=employee)] == [policy.pk]
        assert PolicyVersion.objects.get(pk=v1.pk).status == "superseded"


def test_acknowledgement_records_everything_and_is_append_only(org, hr, employee):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        result = services.acknowledge(organization=org, actor=employee, version=version)
        ack = result.acknowledgement
        assert ack.user_email == employee.email and ack.content_sha256 == version.content_sha256
        assert ack.policy_id == policy.pk and ack.organization_id == org.pk
        assert ack.acknowledged_at.utcoffset() == timedelta(0)
        assert AuditEvent.objects.filter(action="policy.acknowledged", actor=employee).exists()
        for sql in ("UPDATE policies_acknowledgement SET user_email = 'x'", "DELETE FROM policies_acknowledgement"):
            # refused by the runtime role's privileges, or by the trigger where one role owns everything
            refused = "append-only|permission denied for table policies_acknowledgement"
            with pytest.raises(Exception, match=refused), transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql)
        assert Acknowledgement.objects.get(pk=ack.pk).user_email == employee.email


def test_refusals_write_nothing(org, hr, employee):
    team = TeamFactory(organization=org, name="Sales")
    policy, v1 = published_policy(org, actor=hr)
    with organization_scope(org):
        services.acknowledge(organization=org, actor=employee, version=v1)
        with pytest.raises(ValidationError, match="already acknowledged"):
            services.acknowledge(organization=org, actor=employee, version=v1)
    v2 = publish(org, policy, actor=hr, body=BODY_V2)
    other = make_policy(org, actor=hr, title="Sales rules", audience_all=False, team_ids=[team.pk])
    ov = publish(org, other, actor=hr)
    with organization_scope(org):
        before = Acknowledgement.objects.count()
        with pytest.raises(ValidationError, match="replaced by v2"):
            services.acknowledge(organization=org, actor=employee, version=v1)
        with pytest.raises(ValidationError, match="does not apply to you"):
            services.acknowledge(organization=org, actor=employee, version=ov)
        assert Acknowledgement.objects.count() == before
        assert services.acknowledge(organization=org, actor=employee, version=v2).ok


def test_quiz_attempts_are_recorded_and_passing_is_required(org, hr, employee):
    policy = make_policy(org, actor=hr)
    version = publish(org, policy, actor=hr, quiz=QUIZ, pass_mark=100)
    with organization_scope(org):
        with pytest.raises(ValidationError, match="Answer every quiz question"):
            services.acknowledge(organization=org, actor=employee, version=version, quiz_answers=[1])
        failed = services.acknowledge(organization=org, actor=employee, version=version, quiz_answers=[1, 1])
        assert not failed.ok and failed.attempt.score == 50 and not failed.attempt.passed
        assert not Acknowledgement.objects.exists()
        passed = services.acknowledge(organization=org, actor=employee, version=version, quiz_answers=[1, 0])
        assert passed.ok and passed.acknowledgement.quiz_attempt.score == 100
        assert QuizAttempt.objects.count() == 2


def test_bad_quiz_keeps_draft_unchanged(org, hr):
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        draft = selectors.open_draft(organization=org, policy=policy)
        with pytest.raises(ValidationError) as exc:
            services.draft_save(
                organization=org, actor=hr, version=draft, title="T", body_markdown="new", quiz_source="Q: x\n- a\n- b"
            )
        assert "quiz_source" in exc.value.message_dict
        draft.refresh_from_db()
        assert draft.body_markdown == BODY_V1


def test_periodic_refresh_expires_acknowledgements(org, hr, employee):
    policy = make_policy(org, actor=hr, refresh_months=12)
    version = publish(org, policy, actor=hr)
    with organization_scope(org):
        ack = services.acknowledge(organization=org, actor=employee, version=version).acknowledgement
        assert ack.valid_until.date() == services.add_months(ack.acknowledged_at.date(), 12)
        # a year later the acknowledgement has lapsed (simulate with a row acknowledged long ago)
        Acknowledgement.objects.create(
            organization=org,
            policy=policy,
            version=version,
            anchor=version,
            user=hr,
            user_email=hr.email,
            content_sha256=version.content_sha256,
            acknowledged_at=timezone.now() - timedelta(days=400),
            valid_until=timezone.now() - timedelta(days=35),
        )
        assert selectors.valid_acknowledgement(organization=org, user=hr, version=version) is None
        again = services.acknowledge(organization=org, actor=hr, version=version).acknowledgement
        assert again.cycle == 1


def test_review_workflow_author_cannot_approve_own_draft(org, hr):
    reviewer = author_of(org)
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        draft = selectors.open_draft(organization=org, policy=policy)
        with pytest.raises(ValidationError, match="another HR member"):
            services.draft_submit_for_review(organization=org, actor=hr, version=draft, reviewer=hr)
        services.draft_submit_for_review(organization=org, actor=hr, version=draft, reviewer=reviewer)
        with pytest.raises(ValidationError, match="your own draft"):
            services.draft_review(organization=org, actor=hr, version=draft, approve=True)
        with pytest.raises(ValidationError):
            services.version_publish(organization=org, actor=hr, version=draft, change_kind="material")
        with pytest.raises(ValidationError):
            services.draft_review(organization=org, actor=reviewer, version=draft, approve=False, comment="")
        services.draft_review(organization=org, actor=reviewer, version=draft, approve=False, comment="Add scope.")
        assert draft.status == "changes_requested"
        services.draft_save(organization=org, actor=hr, version=draft, title=draft.title, body_markdown=BODY_V2)
        services.draft_submit_for_review(organization=org, actor=hr, version=draft, reviewer=reviewer)
        services.draft_review(organization=org, actor=reviewer, version=draft, approve=True, comment="")
        assert services.version_publish(organization=org, actor=hr, version=draft, change_kind="material").number == 1
        assert AuditEvent.objects.filter(action="policy.approved", actor=reviewer).exists()


def test_whoever_changed_a_drafts_text_cannot_review_it(org, hr):
    editor, reviewer = author_of(org), author_of(org)
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        draft = selectors.open_draft(organization=org, policy=policy)
        # saving without changing the words makes nobody an author
        services.draft_save(
            organization=org, actor=editor, version=draft, title=draft.title, body_markdown=draft.body_markdown
        )
        assert draft.edited_by_ids == []
        services.draft_save(organization=org, actor=editor, version=draft, title=draft.title, body_markdown=BODY_V2)
        with pytest.raises(ValidationError, match="has not written any of this draft"):
            services.draft_submit_for_review(organization=org, actor=hr, version=draft, reviewer=editor)
        services.draft_submit_for_review(organization=org, actor=editor, version=draft, reviewer=reviewer)
        with pytest.raises(ValidationError, match="your own draft"):
            services.draft_review(organization=org, actor=editor, version=draft, approve=True)
        with pytest.raises(ValidationError, match="your own draft"):
            services.draft_review(organization=org, actor=hr, version=draft, approve=True)
        services.draft_review(organization=org, actor=reviewer, version=draft, approve=True)
        assert PolicyVersion.objects.get(pk=draft.pk).status == "approved"


def test_share_gate(org, hr, employee, django_assert_max_num_queries):
    with organization_scope(org):
        with django_assert_max_num_queries(0):
            assert selectors.member_may_share(organization=org, user=employee).allowed
        services.policy_settings_update(
            organization=org, actor=hr, require_ack_to_share=True, reminder_days=7, require_review=False
        )
        assert selectors.member_may_share(organization=org, user=employee).allowed  # nothing published yet
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        Policy.objects.exists()  # the scope's settings are applied before its first statement; not counted below
        with django_assert_max_num_queries(1):
            gate = selectors.member_may_share(organization=org, user=employee)
        assert not gate.allowed and "Social media policy" in gate.reason
        assert gate.url == f"/o/{org.slug}/policies/{policy.pk}/"
        services.acknowledge(organization=org, actor=employee, version=version)
        assert selectors.member_may_share(organization=org, user=employee).allowed


def test_reminders_are_sent_once_per_interval(org, hr, employee, django_capture_on_commit_callbacks):
    team = TeamFactory(organization=org, name="Ops")
    late = MembershipFactory(organization=org, user=UserFactory(), roles=[Role.EMPLOYEE], team=team).user
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        services.acknowledge(organization=org, actor=employee, version=version)
        PolicyVersion.objects.filter(pk=version.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    mail.outbox.clear()
    today = timezone.localdate() + timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
        first = services.reminders_run(organization=org, today=today)
    with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
        second = services.reminders_run(organization=org, today=today)
    assert first["overdue"] >= 1 and second == {"overdue": 0, "scheduled": 0, "review": 0}
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert late.email in recipients and employee.email not in recipients
    assert len(recipients) == len(set(recipients))  # one email per person
    with organization_scope(org):
        assert ReminderLog.objects.filter(user=late, interval_key="overdue").count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            ReminderLog.objects.create(organization=org, version=version, user=late, interval_key="overdue")
        # the manual team reminder reaches only that team's pending people, once a day
        mail.outbox.clear()
        assert services.reminder_send_to_team(organization=org, actor=hr, version=version, team=team) == 1
        assert services.reminder_send_to_team(organization=org, actor=hr, version=version, team=team) == 0


def test_review_due_reminds_owner_once(org, hr, django_capture_on_commit_callbacks):
    policy, version = published_policy(org, actor=hr)
    mail.outbox.clear()
    later = policy.review_due_on + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
        services.reminders_run(organization=org, today=later)
        services.reminders_run(organization=org, today=later)
    review_mails = [m for m in mail.outbox if m.subject.startswith("Review due")]
    assert [m.to for m in review_mails] == [[hr.email]]


def test_review_due_reminds_every_hr_member_when_the_owner_has_left(org, hr, django_capture_on_commit_callbacks):
    policy, version = published_policy(org, actor=hr)
    colleague = author_of(org)
    with organization_scope(org):
        Policy.objects.filter(pk=policy.pk).update(owner=hr)
        Membership.objects.filter(organization=org, user=hr).update(is_active=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
        services.reminders_run(organization=org, today=policy.review_due_on + timedelta(days=1))
    review_mails = [m for m in mail.outbox if m.subject.startswith("Review due")]
    with organization_scope(org):
        hr_now = set(
            Membership.objects.filter(is_active=True, roles__contains=["hr"]).values_list("user__email", flat=True)
        )
    assert colleague.email in hr_now and hr.email not in hr_now
    assert sorted(m.to[0] for m in review_mails) == sorted(hr_now) and all(len(m.to) == 1 for m in review_mails)


def test_anonymous_question_stores_nothing_about_the_asker(org, hr, employee):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        events_before = AuditEvent.objects.count()
        question, code = services.question_ask(
            organization=org, actor=employee, version=version, body="Is this allowed?", anonymous=True
        )
        assert code and question.asked_by_id is None
        assert question.created_at.hour == 0 and question.created_at.minute == 0
        assert AuditEvent.objects.count() == events_before
        row = {k: v for k, v in question.__dict__.items() if not k.startswith("_")}
        assert employee.email not in str(row) and str(employee.pk) not in [str(row.get("asked_by_id"))]
        assert selectors.question_by_code(organization=org, code=code).pk == question.pk
        mail.outbox.clear()
        services.question_answer(organization=org, actor=hr, question=question, answer="Yes.", publish_faq=True)
        assert mail.outbox == []  # nobody to email: the asker reads it with the code
        assert list(selectors.faq_for_policy(organization=org, policy=policy)) == [question]


def test_named_question_is_answered_by_email_and_in_app(org, hr, employee, django_capture_on_commit_callbacks):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        question, code = services.question_ask(organization=org, actor=employee, version=version, body="Can I?")
        assert code is None
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.question_answer(organization=org, actor=hr, question=question, answer="Yes, with disclosure.")
        assert mail.outbox[0].to == [employee.email]
        assert selectors.unseen_answers_count(organization=org, user=employee) == 1
        services.answers_mark_seen(organization=org, actor=employee)
        assert selectors.unseen_answers_count(organization=org, user=employee) == 0


class RefusingBackend:
    """An email backend whose server refuses some addresses (and, when told, is down altogether)."""

    refused: set = set()
    down = False
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        if RefusingBackend.down:
            raise ConnectionRefusedError("mail server down")

    def close(self):
        pass

    def send_messages(self, messages):
        import smtplib

        self.open()
        for message in messages:
            if message.to[0] in RefusingBackend.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
            RefusingBackend.sent.append(message.to[0])
        return len(messages)


def test_a_reminder_the_mail_server_refuses_is_tried_again_and_none_is_sent_twice(
    org, hr, settings, django_capture_on_commit_callbacks
):
    from advocacy.core import mail as outbox

    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.sent, RefusingBackend.refused, RefusingBackend.down = [], set(), False
    team = TeamFactory(organization=org)
    people = [MembershipFactory(organization=org, user=UserFactory(), team=team).user for _ in range(3)]
    policy, version = published_policy(org, actor=hr)
    RefusingBackend.sent = []

    def remind():
        with django_capture_on_commit_callbacks(execute=True), organization_scope(org):
            services.reminder_send_to_team(organization=org, actor=hr, version=version, team=team)

    def claimed():
        with organization_scope(org):
            return set(ReminderLog.objects.filter(version=version, user__in=people).values_list("user_id", flat=True))

    RefusingBackend.refused = {people[1].email}
    remind()
    assert sorted(RefusingBackend.sent) == sorted([people[0].email, people[2].email])
    assert claimed() == {people[0].pk, people[2].pk}  # the refused one's claim was given back
    RefusingBackend.refused = set()
    RefusingBackend.down = True  # the next try finds no server: the reminder waits in the mail outbox
    remind()
    assert claimed() == {p.pk for p in people}
    RefusingBackend.down = False
    remind()  # claimed already: the run queues nothing more
    # what the retrying task does once the reminder's next attempt is due
    outbox.deliver(organization_id=org.pk, due_before=timezone.now() + timedelta(hours=1))
    remind()
    assert sorted(RefusingBackend.sent) == sorted(p.email for p in people)  # each person exactly once
    assert claimed() == {p.pk for p in people}


def test_a_run_that_rolls_back_sends_no_reminder(org, hr, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    team = TeamFactory(organization=org)
    MembershipFactory(organization=org, user=UserFactory(), team=team)
    policy, version = published_policy(org, actor=hr)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic(), organization_scope(org):
            services.reminder_send_to_team(organization=org, actor=hr, version=version, team=team)
            raise RuntimeError("the worker dies before the commit")
    assert mailoutbox == []
    with organization_scope(org):
        assert not ReminderLog.objects.filter(version=version).exists()


def test_a_new_review_date_must_be_in_the_future(org, hr):
    policy, _version = published_policy(org, actor=hr)
    kwargs = {"organization": org, "actor": hr, "policy": policy, "title": policy.title, "kind": policy.kind}
    with organization_scope(org):
        with pytest.raises(ValidationError, match="must be in the future"):
            services.policy_update(**kwargs, review_due_on=timezone.localdate() - timedelta(days=1))
        policy.refresh_from_db()
        assert policy.review_due_on > timezone.localdate()
        later = timezone.localdate() + timedelta(days=90)
        services.policy_update(**kwargs, review_due_on=later)
        # a date that has since passed may stay as it is when something else is edited
        Policy.objects.filter(pk=policy.pk).update(review_due_on=timezone.localdate() - timedelta(days=3))
        policy.refresh_from_db()
        services.policy_update(**{**kwargs, "title": "Renamed"}, review_due_on=policy.review_due_on)
        assert Policy.objects.get(pk=policy.pk).title == "Renamed"
