"""Incidents: declared (checklist and responders from the plan, responders told at once), the state machine
(open -> contained -> resolved -> reviewed, the review required), a timeline that fills itself, the pages with
their permissions (responders always see their incident; denied changes nothing), the list's queries."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.audit.models import AuditEvent
from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from monitoring.incidents.models import Incident, IncidentResponder, IncidentStep, TimelineEntry
from monitoring.incidents.services import incidents as services
from tests.tenancy.test_cross_tenant_urls import _rows_of

from .factories import incident, member, plan

pytestmark = pytest.mark.django_db
BASE = "/o/{slug}/monitoring/incidents/"


def _kinds(org, inc) -> list[str]:
    with organization_scope(org):
        return list(TimelineEntry.objects.filter(incident=inc).order_by("at", "id").values_list("kind", flat=True))


def _move(org, actor, inc, *steps):
    with organization_scope(org):
        for step in steps:
            inc = services.incident_transition(organization=org, actor=actor, incident=inc, transition=step)
    return inc


def test_declaring_copies_the_checklist_and_the_responders_and_tells_them(org, hr, moderator):
    lead, deputy, comms = member(org, name="Lena Lead"), member(org, name="Dee Deputy"), member(org, name="Cai")
    plan(org, hr, lead=lead, deputy=deputy, comms=comms)
    inc = incident(org, moderator, title="Leak", severity="critical")
    with organization_scope(org):
        assert [s.text for s in IncidentStep.objects.filter(incident=inc)] == [
            "Screenshot the post", "Contact the author", "Publish a statement",
        ]  # fmt: skip
        responders = {r.user_id: (r.role, r.is_deputy) for r in IncidentResponder.objects.filter(incident=inc)}
        assert responders[lead.pk] == ("Incident lead", False)
        assert responders[deputy.pk] == ("Incident lead (deputy)", True)
        assert len(responders) == 3  # and Communications
        mails = OutgoingMail.objects.filter(organization=org, kind="incident_notification")
        assert {m.to for m in mails} == {lead.email, deputy.email, *(u.email for u in [])} | {
            m.to for m in mails
        } and lead.email in {m.to for m in mails}
        assert mails.count() == 3 and "[Critical] Incident INC-" in mails[0].subject
        assert all(r.notified_at for r in IncidentResponder.objects.filter(incident=inc))
        assert AuditEvent.objects.unscoped().filter(organization=org, action="incident.declared").count() == 1
    assert _kinds(org, inc) == ["declared", "message"]


def test_without_a_plan_the_declarer_responds(org, moderator):
    inc = incident(org, moderator)
    with organization_scope(org):
        assert list(IncidentResponder.objects.filter(incident=inc).values_list("user_id", flat=True)) == [moderator.pk]
        assert not IncidentStep.objects.filter(incident=inc).exists()


def test_the_state_machine_and_its_timeline(org, hr, moderator):
    plan(org, hr)
    inc = incident(org, moderator)
    inc = _move(org, moderator, inc, "contain")
    assert inc.state == "contained" and inc.contained_at
    with organization_scope(org), pytest.raises(ValidationError, match="cannot be contained"):
        services.incident_transition(organization=org, actor=moderator, incident=inc, transition="contain")
    inc = _move(org, moderator, inc, "reopen", "resolve")
    assert inc.state == "resolved" and inc.resolved_at
    with organization_scope(org), pytest.raises(ValidationError, match="Write the post-incident review"):
        services.incident_transition(organization=org, actor=moderator, incident=inc, transition="complete_review")
    with organization_scope(org):
        inc = services.incident_review_save(
            organization=org, actor=hr, incident=inc, what_happened="A leak.", what_worked="Fast reply.",
            what_to_change="Train people.", follow_ups="",
        )  # fmt: skip
    inc = _move(org, hr, inc, "complete_review")
    assert inc.state == "reviewed" and inc.reviewed_at
    with organization_scope(org), pytest.raises(ValidationError):
        services.incident_transition(organization=org, actor=hr, incident=inc, transition="reopen")
    assert _kinds(org, inc) == ["declared", "message", "state", "state", "state", "review", "state"]
    with organization_scope(org):
        actions = set(AuditEvent.objects.unscoped().filter(organization=org).values_list("action", flat=True))
    assert {"incident.contain", "incident.reopen", "incident.resolve", "incident.complete_review"} <= actions


def test_the_review_is_written_once_resolved(org, moderator):
    inc = incident(org, moderator)
    with organization_scope(org), pytest.raises(ValidationError, match="once the incident is resolved"):
        services.incident_review_save(organization=org, actor=moderator, incident=inc, what_happened="x")


def test_ticks_notes_severity_and_responders_fill_the_timeline(org, hr, moderator, employee):
    plan(org, hr)
    inc = incident(org, moderator)
    with organization_scope(org):
        step = IncidentStep.objects.filter(incident=inc).first()
        services.incident_step_set(organization=org, actor=moderator, incident=inc, step_id=step.pk, done=True)
        services.incident_step_set(organization=org, actor=moderator, incident=inc, step_id=step.pk, done=True)
        step.refresh_from_db()
        assert step.done_by_id == moderator.pk and step.done_at
        services.incident_note_add(organization=org, actor=hr, incident=inc, text="Called legal.")
        services.incident_severity_set(organization=org, actor=hr, incident=inc, severity="critical")
        services.incident_responder_add(organization=org, actor=hr, incident=inc, user_id=employee.pk, role="Facts")
        with pytest.raises(ValidationError):
            services.incident_responder_add(organization=org, actor=hr, incident=inc, user_id=employee.pk)
        entries = list(TimelineEntry.objects.filter(incident=inc).order_by("at", "id").values_list("kind", "text"))
    assert [k for k, _ in entries] == ["declared", "message", "step", "note", "severity", "responder", "message"]
    assert entries[2][1] == "Done: Screenshot the post" and entries[3][1] == "Called legal."
    assert entries[-1][1] == f"Email sent to {employee.display_name}."


def test_a_second_declaration_for_the_same_post_joins_the_first(org, moderator):
    from tests.monitoring.url_kwargs import post as make_post

    post_id = make_post(org)
    first = incident(org, moderator, post_id=post_id)
    second = incident(org, moderator, title="Again", post_id=post_id)
    assert first.pk == second.pk
    _move(org, moderator, first, "resolve")
    third = incident(org, moderator, title="It flared up again", post_id=post_id)
    assert third.pk != first.pk


def test_a_checklist_step_of_another_incident_is_refused(org, hr, moderator):
    plan(org, hr)
    one, two = incident(org, moderator, title="One"), incident(org, moderator, title="Two")
    with organization_scope(org):
        other_step = IncidentStep.objects.filter(incident=two).first()
        with pytest.raises(ValidationError):
            services.incident_step_set(
                organization=org, actor=moderator, incident=one, step_id=other_step.pk, done=True
            )
        assert IncidentStep.objects.get(pk=other_step.pk).done_at is None


# --- pages ---------------------------------------------------------------------------------------------------


def test_declare_page_shows_every_error_and_keeps_what_was_typed(org, moderator, client):
    client.force_login(moderator)
    response = client.post(
        BASE.format(slug=org.slug) + "declare/", {"title": "", "severity": "nope", "summary": "Kept"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The incident was not declared" in html and "This field is required." in html
    assert "Select a valid choice" in html and "Kept" in html
    with organization_scope(org):
        assert not Incident.objects.exists()


def test_a_moderator_declares_moves_and_reviews_through_the_pages(org, hr, moderator, client):
    plan(org, hr)
    client.force_login(moderator)
    response = client.post(BASE.format(slug=org.slug) + "declare/", {"title": "Leak", "severity": "high"})
    with organization_scope(org):
        inc = Incident.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/incidents/{inc.pk}/")
    url = BASE.format(slug=org.slug) + f"{inc.pk}/"
    page = client.get(url).content.decode()
    assert "Screenshot the post" in page and "We are aware and looking into it." in page and "Lee Gal" in page
    with organization_scope(org):
        step = IncidentStep.objects.filter(incident=inc).first()
    client.post(url + "checklist/", {"step": step.pk, "done": "1"})
    client.post(url + "notes/", {"text": "Author contacted."})
    assert client.post(url + "notes/", {"text": ""}).status_code == 400
    client.post(url + "transition/", {"transition": "resolve"})
    response = client.post(url + "review/", {"what_happened": "Leak.", "complete": "1"})
    assert response.status_code == 400 and "Write the post-incident review" in response.content.decode()
    assert "Leak." in response.content.decode()  # what was typed is kept
    client.post(url + "review/", {"what_happened": "Leak.", "what_worked": "Speed.", "what_to_change": "Training.",
                                  "complete": "1"})  # fmt: skip
    with organization_scope(org):
        inc.refresh_from_db()
        step.refresh_from_db()
    assert inc.state == "reviewed" and step.done_by_id == moderator.pk
    assert "Author contacted." in client.get(url).content.decode()


def test_a_responder_who_is_an_employee_sees_their_incident_and_ticks_steps_only(org, hr, moderator, client):
    lead = member(org, name="Lena Lead")
    plan(org, hr, lead=lead)
    inc = incident(org, moderator)
    other = incident(org, moderator, title="Not theirs")
    with organization_scope(org):
        IncidentResponder.objects.filter(incident=other, user=lead).delete()
    client.force_login(lead)
    url = BASE.format(slug=org.slug) + f"{inc.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and b"Mark contained" not in page.content
    assert client.get(BASE.format(slug=org.slug) + f"{other.pk}/").status_code == 403
    assert client.get(BASE.format(slug=org.slug)).status_code == 403
    with organization_scope(org):
        step = IncidentStep.objects.filter(incident=inc).first()
    assert client.post(url + "checklist/", {"step": step.pk, "done": "1"}).status_code == 302
    before = _rows_of(org)
    for path, data in (("transition/", {"transition": "resolve"}), ("severity/", {"severity": "low"}),
                       ("responders/", {"user": lead.pk}), ("review/", {"what_happened": "x"})):  # fmt: skip
        assert client.post(url + path, data).status_code == 403, path
    assert _rows_of(org) == before


def test_an_employee_who_is_not_a_responder_gets_403_and_changes_nothing(org, moderator, employee, client):
    inc = incident(org, moderator)
    client.force_login(employee)
    before = _rows_of(org)
    url = BASE.format(slug=org.slug) + f"{inc.pk}/"
    assert client.get(url).status_code == 403
    for path in ("transition/", "checklist/", "notes/", "severity/", "responders/", "review/"):
        assert client.post(url + path, {"transition": "resolve", "text": "x"}).status_code == 403, path
    assert client.post(BASE.format(slug=org.slug) + "declare/", {"title": "x", "severity": "low"}).status_code == 403
    assert _rows_of(org) == before


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_at_two_sizes_and_sorts_open_first(org, hr, moderator, client):
    plan(org, hr)
    client.force_login(moderator)
    url = BASE.format(slug=org.slug) + "?state=all"
    incident(org, moderator, title="Old low", severity="low")
    _list_queries(client, url)  # the first request of a session warms the member's caches
    small = _list_queries(client, url)
    for i in range(12):
        incident(org, moderator, title=f"Incident {i}", severity=["low", "critical", "medium"][i % 3])
    done = incident(org, moderator, title="Resolved critical", severity="critical")
    _move(org, moderator, done, "resolve")
    assert _list_queries(client, url) == small
    html = client.get(url).content.decode()
    assert html.index("Incident 1<") < html.index("Old low") < html.index("Resolved critical")
    active = client.get(BASE.format(slug=org.slug)).content.decode()
    assert "Resolved critical" not in active and "Old low" in active


def test_declaring_from_a_review_item_prefills_links_and_joins(org, other_org, moderator, client):
    from tests.monitoring_review.factories import flagged_item

    item = flagged_item(org, text="Our launch date leak is out")
    client.force_login(moderator)
    url = BASE.format(slug=org.slug) + "declare/"
    form = client.get(f"{url}?item={item.pk}").content.decode()
    assert f'value="{item.pk}"' in form and "Our launch date leak is out" in form
    response = client.post(url, {"item": item.pk, "title": "Launch date leaked", "severity": "high"})
    with organization_scope(org):
        inc = Incident.objects.get()
    assert (inc.source, inc.review_item_id, inc.post_id) == ("item", item.pk, item.post_id)
    assert response.url.endswith(f"/incidents/{inc.pk}/")
    again = client.post(url, {"item": item.pk, "title": "Second click", "severity": "low"}, follow=True)
    assert "already in progress" in again.content.decode()
    with organization_scope(org):
        assert Incident.objects.count() == 1
    theirs = flagged_item(other_org)
    before = _rows_of(org)
    assert client.get(f"{url}?item={theirs.pk}").status_code == 404
    assert client.post(url, {"item": theirs.pk, "title": "x", "severity": "low"}).status_code == 404
    assert _rows_of(org) == before
