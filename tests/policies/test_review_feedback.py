"""The feedback round before a policy review (issue #15): HR opens a round on a policy, its audience is told once
by mail and answers once (changing it while it is open), HR reads an anonymous summary from five answers on,
next to the questions asked since the last review; the policy page says when it was last reviewed; the API reads
a policy's recorded reviews."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.core.models import OutgoingMail
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from policies import selectors, services
from policies.models import FeedbackAnswer, FeedbackRound, Policy
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .factories import make_policy, published_policy

pytestmark = pytest.mark.django_db

PROMPT = "Does this policy still fit how you post at work?"


def url(org, tail=""):
    return f"/o/{org.slug}/policies/{tail}"


def in_a_week():
    return timezone.localdate() + timedelta(days=7)


def open_round(org, hr, policy, **kwargs):
    with organization_scope(org):
        return services.feedback_round_open(
            organization=org, actor=hr, policy=policy, prompt=kwargs.get("prompt", PROMPT), closes_on=in_a_week()
        )


def answer(org, user, feedback_round, rating, comment=""):
    with organization_scope(org):
        return services.feedback_answer_save(
            organization=org, actor=user, feedback_round=feedback_round, rating=rating, comment=comment
        )


def members(org, count, **kwargs):
    return [MembershipFactory(organization=org, roles=[Role.EMPLOYEE], **kwargs).user for _ in range(count)]


def rounds_of(org, policy):
    with organization_scope(org):
        return list(FeedbackRound.objects.filter(policy=policy))


def answers_of(org):
    with organization_scope(org):
        return list(FeedbackAnswer.objects.order_by("id").values_list("rating", "comment"))


# --- the service -----------------------------------------------------------------------------------------------


def test_opening_a_round_tells_the_audience_once_and_is_audited(org, hr, employee):
    policy, version = published_policy(org, actor=hr)
    team = TeamFactory(organization=org)
    outsider = MembershipFactory(organization=org, roles=[Role.EMPLOYEE], team=team).user
    feedback_round = open_round(org, hr, policy)
    assert feedback_round.version_id == version.pk and feedback_round.opened_by == hr
    with organization_scope(org):
        mails = list(OutgoingMail.objects.filter(kind="policy_feedback_round"))
        event = AuditEvent.objects.get(action="policy.feedback_round_opened")
        everyone = sorted(Membership.objects.filter(is_active=True).values_list("user__email", flat=True))
    assert {hr.email, employee.email, outsider.email} <= set(everyone)
    assert sorted(m.to for m in mails) == everyone  # each member of the audience, once
    assert all(PROMPT in m.body and f"/policies/{policy.pk}/" in m.body for m in mails)
    assert event.actor == hr and event.data["round"] == feedback_round.pk and event.data["told"] == len(everyone)
    # a second round while one is open is refused: nobody is told twice
    with pytest.raises(ValidationError, match="already open"):
        open_round(org, hr, policy)
    with organization_scope(org):
        assert OutgoingMail.objects.filter(kind="policy_feedback_round").count() == len(everyone)


def test_a_round_on_some_teams_tells_only_those_teams(org, hr):
    team, other_team = TeamFactory(organization=org), TeamFactory(organization=org)
    inside = MembershipFactory(organization=org, roles=[Role.EMPLOYEE], team=team).user
    MembershipFactory(organization=org, roles=[Role.EMPLOYEE], team=other_team)
    policy, _ = published_policy(org, actor=hr, audience_all=False, team_ids=[team.pk])
    open_round(org, hr, policy)
    with organization_scope(org):
        assert list(OutgoingMail.objects.filter(kind="policy_feedback_round").values_list("to", flat=True)) == [
            inside.email
        ]


def test_every_problem_with_a_round_is_reported_at_once(org, hr):
    policy, _ = published_policy(org, actor=hr)
    with organization_scope(org), pytest.raises(ValidationError) as caught:
        services.feedback_round_open(
            organization=org, actor=hr, policy=policy, prompt=" ", closes_on=timezone.localdate()
        )
    assert set(caught.value.message_dict) == {"prompt", "closes_on"}
    never_published = make_policy(org, actor=hr)
    with organization_scope(org), pytest.raises(ValidationError) as caught:
        services.feedback_round_open(
            organization=org,
            actor=hr,
            policy=never_published,
            prompt="x" * 281,
            closes_on=timezone.localdate() + timedelta(days=91),
        )
    errors = caught.value.message_dict
    assert "Publish the policy first" in " ".join(errors["__all__"])
    assert "under 280" in errors["prompt"][0] and "within 90 days" in errors["closes_on"][0]
    assert rounds_of(org, policy) == [] and rounds_of(org, never_published) == []


def test_a_member_answers_once_and_may_change_it_until_the_round_closes(org, hr, employee):
    policy, _ = published_policy(org, actor=hr)
    feedback_round = open_round(org, hr, policy)
    answer(org, employee, feedback_round, 2, "Too long.")
    answer(org, employee, feedback_round, 4, "  Clearer now.  ")
    assert answers_of(org) == [(4, "Clearer now.")]
    with organization_scope(org), pytest.raises(ValidationError) as caught:
        services.feedback_answer_save(
            organization=org, actor=employee, feedback_round=feedback_round, rating=9, comment="x" * 2001
        )
    assert set(caught.value.message_dict) == {"rating", "comment"}
    with organization_scope(org):
        FeedbackRound.objects.filter(pk=feedback_round.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
        feedback_round.refresh_from_db()
    with pytest.raises(ValidationError, match="has closed"):
        answer(org, employee, feedback_round, 1)
    assert answers_of(org) == [(4, "Clearer now.")]


def test_members_outside_the_audience_cannot_answer(org, hr):
    team, other_team = TeamFactory(organization=org), TeamFactory(organization=org)
    outsider = MembershipFactory(organization=org, roles=[Role.EMPLOYEE], team=other_team).user
    policy, _ = published_policy(org, actor=hr, audience_all=False, team_ids=[team.pk])
    feedback_round = open_round(org, hr, policy)
    with pytest.raises(ValidationError, match="not among them"):
        answer(org, outsider, feedback_round, 5)
    assert answers_of(org) == []


def test_the_summary_shows_nothing_below_five_answers_then_counts_and_comments_without_names(org, hr):
    policy, _ = published_policy(org, actor=hr)
    feedback_round = open_round(org, hr, policy)
    people = members(org, 5)
    for person, rating, comment in zip(people[:4], (5, 4, 4, 2), ("Clear.", "", "Add AI tools.", "Too long.")):
        answer(org, person, feedback_round, rating, comment)
    with organization_scope(org):
        summary = selectors.feedback_summary(organization=org, feedback_round=feedback_round)
    assert summary.count == 4 and not summary.shown and summary.missing == 1
    assert summary.average is None and summary.distribution == [] and summary.comments == []
    answer(org, people[4], feedback_round, 5)
    with organization_scope(org):
        summary = selectors.feedback_summary(organization=org, feedback_round=feedback_round)
    assert summary.shown and summary.count == 5 and summary.average == 4.0
    assert [(d["rating"], d["count"], d["percent"]) for d in summary.distribution] == [
        (5, 2, 40),
        (4, 2, 40),
        (3, 0, 0),
        (2, 1, 20),
        (1, 0, 0),
    ]
    assert summary.comments == ["Add AI tools.", "Clear.", "Too long."]  # sorted: not in the order people answered


# --- pages -----------------------------------------------------------------------------------------------------


def test_hr_opens_a_round_from_the_review_card(org, hr, client_for):
    policy, _ = published_policy(org, actor=hr)
    client = client_for(hr)
    page = client.get(url(org, f"{policy.pk}/manage/"))
    assert b"Open a feedback round" in page.content and b"No feedback round since the last review." in page.content
    response = client.post(url(org, f"{policy.pk}/feedback/"), {"prompt": PROMPT, "closes_on": in_a_week().isoformat()})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Feedback round opened until" in page.content
    assert PROMPT.encode() in page.content and b"Open a feedback round" not in page.content
    assert b"0 answers" in page.content and b"5 more are needed" in page.content


def test_the_round_form_shows_every_error_at_once_and_keeps_what_was_typed(org, hr, client_for):
    policy, _ = published_policy(org, actor=hr)
    client = client_for(hr)
    response = client.post(url(org, f"{policy.pk}/feedback/"), {"prompt": "", "closes_on": "next friday"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "The round was not opened" in content
    assert "Write the question people will answer" in content
    assert "Enter the closing date as a date" in content
    assert 'value="next friday"' in content
    long_prompt = "Is it fair? " * 30
    response = client.post(
        url(org, f"{policy.pk}/feedback/"), {"prompt": long_prompt, "closes_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Keep the question under 280 characters" in content
    assert "The closing date must be after today" in content
    assert long_prompt.strip() in content
    assert rounds_of(org, policy) == []


def test_employees_and_moderators_get_403_and_no_round_opens(org, hr, employee, moderator, client_for):
    policy, _ = published_policy(org, actor=hr)
    for user in (employee, moderator):
        response = client_for(user).post(
            url(org, f"{policy.pk}/feedback/"), {"prompt": PROMPT, "closes_on": in_a_week().isoformat()}
        )
        assert response.status_code == 403
    assert rounds_of(org, policy) == []
    with organization_scope(org):
        assert not OutgoingMail.objects.filter(kind="policy_feedback_round").exists()


def test_an_admin_may_open_a_round_too(org, hr, admin, client_for):
    policy, _ = published_policy(org, actor=hr)
    response = client_for(admin).post(
        url(org, f"{policy.pk}/feedback/"), {"prompt": PROMPT, "closes_on": in_a_week().isoformat()}
    )
    assert response.status_code == 302 and len(rounds_of(org, policy)) == 1


def test_another_organizations_policy_and_round_are_404_and_unchanged(org, other_org, hr, client_for):
    policy, _ = published_policy(org, actor=hr)
    feedback_round = open_round(org, hr, policy)
    stranger = MembershipFactory(organization=other_org, roles=[Role.HR, Role.ADMIN, Role.EMPLOYEE]).user
    client = client_for(stranger)
    for slug in (org.slug, other_org.slug):
        assert (
            client.post(
                f"/o/{slug}/policies/{policy.pk}/feedback/", {"prompt": PROMPT, "closes_on": in_a_week().isoformat()}
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/o/{slug}/policies/{policy.pk}/feedback/{feedback_round.pk}/answer/", {"rating": "5"}
            ).status_code
            == 404
        )
        assert client.get(f"/o/{slug}/policies/{policy.pk}/manage/").status_code == 404
    assert len(rounds_of(org, policy)) == 1 and answers_of(org) == []


def test_a_round_of_another_policy_is_404(org, hr, employee, client_for):
    policy, _ = published_policy(org, actor=hr)
    other, _ = published_policy(org, actor=hr, title="Brand guidelines", kind="brand")
    feedback_round = open_round(org, hr, other)
    response = client_for(employee).post(url(org, f"{policy.pk}/feedback/{feedback_round.pk}/answer/"), {"rating": "3"})
    assert response.status_code == 404 and answers_of(org) == []


def test_employee_sees_the_round_on_the_policy_and_home_page_and_answers(org, hr, employee, client_for):
    policy, _ = published_policy(org, actor=hr)
    feedback_round = open_round(org, hr, policy)
    client = client_for(employee)
    home = client.get(f"/o/{org.slug}/")
    assert b"Your view is asked on 1 policy" in home.content and policy.title.encode() in home.content
    page = client.get(url(org, f"{policy.pk}/"))
    assert PROMPT.encode() in page.content and b"Send my answer" in page.content
    response = client.post(
        url(org, f"{policy.pk}/feedback/{feedback_round.pk}/answer/"), {"rating": "4", "comment": "Clear enough."}
    )
    assert response.status_code == 302 and response["Location"].endswith("#feedback")
    page = client.get(response["Location"])
    assert b"Your answer is saved" in page.content and b"Update my answer" in page.content
    assert re.search(r'value="4"[^>]*checked', page.content.decode())
    assert b"Clear enough." in page.content
    assert b"Your view is asked" not in client.get(f"/o/{org.slug}/").content  # answered: off the to-do list
    assert answers_of(org) == [(4, "Clear enough.")]


def test_the_answer_form_shows_every_error_at_once_and_keeps_what_was_typed(org, hr, employee, client_for):
    policy, _ = published_policy(org, actor=hr)
    feedback_round = open_round(org, hr, policy)
    long_comment = "Not sure. " * 201
    response = client_for(employee).post(
        url(org, f"{policy.pk}/feedback/{feedback_round.pk}/answer/"), {"comment": long_comment}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Your answer was not saved" in content
    assert "Choose a rating from 1 (not at all) to 5 (fully)." in content
    assert "Keep the comment under 2,000 characters" in content
    assert long_comment.strip() in content
    assert answers_of(org) == []


def test_people_outside_the_audience_do_not_see_the_round(org, hr, client_for):
    team, other_team = TeamFactory(organization=org), TeamFactory(organization=org)
    outsider = MembershipFactory(organization=org, roles=[Role.EMPLOYEE], team=other_team).user
    policy, _ = published_policy(org, actor=hr, audience_all=False, team_ids=[team.pk])
    feedback_round = open_round(org, hr, policy)
    client = client_for(outsider)
    assert PROMPT.encode() not in client.get(url(org, f"{policy.pk}/")).content
    assert b"Your view is asked" not in client.get(f"/o/{org.slug}/").content
    response = client.post(url(org, f"{policy.pk}/feedback/{feedback_round.pk}/answer/"), {"rating": "5"})
    assert response.status_code == 400 and b"not among them" in response.content
    assert answers_of(org) == []


def test_hr_summary_is_anonymous_and_waits_for_five_answers(org, hr, client_for):
    policy, _ = published_policy(org, actor=hr)
    feedback_round = open_round(org, hr, policy)
    people = [
        MembershipFactory(organization=org, roles=[Role.EMPLOYEE], user=UserFactory(full_name=name)).user
        for name in ("Zelda Quartermain", "Yorick Fennimore", "Xanthe Oddleigh", "Wilbur Strand", "Vera Munroe")
    ]
    for person, rating in zip(people[:4], (5, 4, 3, 2)):
        answer(org, person, feedback_round, rating, f"Comment from answer {rating}.")
    client = client_for(hr)
    content = client.get(url(org, f"{policy.pk}/manage/")).content.decode()
    assert "4 answers" in content and "one more is needed" in content
    assert "Comment from answer" not in content and "Average" not in content
    answer(org, people[4], feedback_round, 1)
    content = client.get(url(org, f"{policy.pk}/manage/")).content.decode()
    assert "5 answers" in content and "Average <strong>3.0</strong> out of 5" in content
    assert "Comment from answer 5." in content and "Comment from answer 2." in content
    for person in people:
        assert person.full_name not in content and person.email not in content


def test_questions_since_the_last_review_show_next_to_the_feedback(org, hr, employee, client_for):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        services.question_ask(organization=org, actor=employee, version=version, body="May I post about a client?")
        services.policy_review_record(organization=org, actor=hr, policy=policy, notes="Checked.")
        services.question_ask(organization=org, actor=employee, version=version, body="What about podcasts?")
    content = client_for(hr).get(url(org, f"{policy.pk}/manage/")).content.decode()
    assert "Questions asked since the last review" in content
    assert "What about podcasts?" in content and "May I post about a client?" not in content
    assert employee.full_name not in content.split('id="review-feedback"')[1]


def test_an_archived_policy_takes_no_round(org, hr, client_for):
    policy, _ = published_policy(org, actor=hr)
    with organization_scope(org):
        services.policy_archive(organization=org, actor=hr, policy=policy)
        assert Policy.objects.get(pk=policy.pk).status == Policy.Status.ARCHIVED
    response = client_for(hr).post(
        url(org, f"{policy.pk}/feedback/"), {"prompt": PROMPT, "closes_on": in_a_week().isoformat()}
    )
    assert response.status_code == 400 and b"restore it before asking for feedback" in response.content
    assert rounds_of(org, policy) == []


# --- employees see when a policy was last reviewed -------------------------------------------------------------


def test_the_policy_page_says_when_it_was_last_reviewed_and_when_next(org, hr, employee, client_for):
    policy, _ = published_policy(org, actor=hr)
    client = client_for(employee)
    with organization_scope(org):
        policy.refresh_from_db()
    content = client.get(url(org, f"{policy.pk}/")).content.decode()
    assert f"Next review {policy.review_due_on:%-d %B %Y}" in content and "Reviewed on" not in content
    chosen = timezone.localdate() + timedelta(days=200)
    with organization_scope(org):
        review = services.policy_review_record(
            organization=org, actor=hr, policy=policy, notes="Still right.", next_review_on=chosen
        )
    content = client.get(url(org, f"{policy.pk}/")).content.decode()
    reviewed = timezone.localtime(review.reviewed_at).date()
    assert f"Reviewed on {reviewed:%-d %B %Y} · next review {chosen:%-d %B %Y}" in content
    assert "Still right." not in content  # the notes stay with HR
    with organization_scope(org):
        Policy.objects.filter(pk=policy.pk).update(review_due_on=timezone.localdate() - timedelta(days=3))
        policy.refresh_from_db()
    content = client.get(url(org, f"{policy.pk}/")).content.decode()
    assert f"Reviewed on {reviewed:%-d %B %Y} · review due since {policy.review_due_on:%-d %B %Y}" in content


# --- API: a policy's reviews, read-only ----------------------------------------------------------------------


def api(org, tail=""):
    return f"/api/v1/o/{org.slug}/policies/{tail}"


def test_hr_and_admins_read_a_policys_reviews_through_the_api(org, hr, admin, client_for):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        first = services.policy_review_record(organization=org, actor=hr, policy=policy, notes="Fine.")
        second = services.policy_review_record(
            organization=org, actor=hr, policy=policy, notes="Needs the AI rule.", start_new_version=True
        )
    for user in (hr, admin):
        listing = client_for(user).get(api(org, f"{policy.pk}/reviews/"))
        assert listing.status_code == 200
        results = listing.json()["results"]
        assert [r["id"] for r in results] == [second.pk, first.pk]
        assert results[0]["outcome"] == "new_version" and results[0]["new_version"]["id"] == second.new_version_id
        assert results[1]["reviewed_version"]["id"] == version.pk and results[1]["new_version"] is None
        assert results[1]["reviewed_by"]["email"] == hr.email and results[1]["notes"] == "Fine."
        detail = client_for(user).get(api(org, f"{policy.pk}/reviews/{first.pk}/")).json()
        assert detail["next_review_on"] == str(first.next_review_on)


def test_the_reviews_api_is_403_for_employees_and_404_across_policies_and_organizations(
    org, other_org, hr, employee, client_for
):
    policy, _ = published_policy(org, actor=hr)
    other, _ = published_policy(org, actor=hr, title="Brand guidelines", kind="brand")
    with organization_scope(org):
        review = services.policy_review_record(organization=org, actor=hr, policy=policy, notes="Fine.")
    assert client_for(employee).get(api(org, f"{policy.pk}/reviews/")).status_code == 403
    assert client_for(employee).get(api(org, f"{policy.pk}/reviews/{review.pk}/")).status_code == 403
    assert client_for(hr).get(api(org, f"{other.pk}/reviews/{review.pk}/")).status_code == 404
    stranger = MembershipFactory(organization=other_org, roles=[Role.HR, Role.ADMIN]).user
    for slug in (org.slug, other_org.slug):
        response = client_for(stranger).get(f"/api/v1/o/{slug}/policies/{policy.pk}/reviews/{review.pk}/")
        assert response.status_code == 404


def test_the_reviews_list_costs_the_same_queries_at_two_sizes(org, hr, client_for):
    policy, _ = published_policy(org, actor=hr)
    client = client_for(hr)

    def count_with(reviews: int) -> int:
        with organization_scope(org):
            for n in range(reviews):
                services.policy_review_record(organization=org, actor=hr, policy=policy, notes=f"Review {n}.")
        client.get(api(org, f"{policy.pk}/reviews/"))  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(api(org, f"{policy.pk}/reviews/")).json()["results"]) > 0
        return len(captured)

    assert count_with(1) == count_with(5)
