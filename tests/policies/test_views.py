"""Pages: reading and acknowledging, authoring, roles (403 and nothing changes), the report's constant
query count, the streamed CSV export."""

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from policies import services
from policies.models import Acknowledgement, Policy, PolicyQuestion, PolicyVersion
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .factories import BODY_V2, make_policy, publish, published_policy

pytestmark = pytest.mark.django_db


def url(org, tail=""):
    return f"/o/{org.slug}/policies/{tail}"


def counts(org):
    with organization_scope(org):
        return (
            Policy.objects.count(),
            PolicyVersion.objects.count(),
            Acknowledgement.objects.count(),
            PolicyQuestion.objects.count(),
            list(PolicyVersion.objects.order_by("pk").values_list("status", "body_markdown")),
        )


def test_employee_reads_and_acknowledges(org, hr, employee, client_for):
    policy, version = published_policy(org, actor=hr)
    client = client_for(employee)
    page = client.get(url(org))
    assert page.status_code == 200 and b"Action required" in page.content
    detail = client.get(url(org, f"{policy.pk}/"))
    assert b"<h2>Purpose</h2>" in detail.content and b'name="confirm"' in detail.content
    assert b"checked" not in detail.content.split(b'name="confirm"')[1][:40]  # not pre-ticked
    # without the explicit tick, nothing is written
    client.post(url(org, f"{policy.pk}/versions/{version.pk}/acknowledge/"))
    assert counts(org)[2] == 0
    response = client.post(
        url(org, f"{policy.pk}/versions/{version.pk}/acknowledge/"),
        {"confirm": "yes"},
        HTTP_USER_AGENT="Test Browser/1.0",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    with organization_scope(org):
        ack = Acknowledgement.objects.get()
    assert (ack.ip_address, ack.user_agent) == ("203.0.113.9", "Test Browser/1.0")
    assert b"Acknowledged" in client.get(url(org)).content


def test_employee_never_sees_drafts(org, hr, employee, client_for):
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        draft = PolicyVersion.objects.get(policy=policy)
    client = client_for(employee)
    assert client.get(url(org, f"{policy.pk}/")).status_code == 404
    assert client.get(url(org, f"{policy.pk}/versions/{draft.pk}/")).status_code == 404
    assert policy.title.encode() not in client.get(url(org)).content
    api = client.get(f"/api/v1/o/{org.slug}/policies/")
    assert api.status_code == 200 and policy.title not in api.content.decode()
    assert client.get(f"/api/v1/o/{org.slug}/policies/{policy.pk}/versions/").status_code == 404


@pytest.mark.parametrize(
    "path,data",
    [
        ("new/", {"title": "New", "kind": "other", "audience_all": "1"}),
        ("{p}/draft/new/", {}),
        ("{p}/archive/", {}),
        ("{p}/edit/", {"title": "Changed", "kind": "other", "audience_all": "1"}),
        ("{p}/versions/{v}/remind/", {"team": ""}),
        ("settings/", {"reminder_days": 3, "require_ack_to_share": "on"}),
    ],
)
def test_employee_gets_403_and_nothing_changes(org, hr, employee, client_for, path, data):
    policy, version = published_policy(org, actor=hr)
    before = counts(org)
    settings_before = dict(org.settings)
    response = client_for(employee).post(url(org, path.format(p=policy.pk, v=version.pk)), data)
    assert response.status_code == 403
    assert counts(org) == before
    org.refresh_from_db()
    assert org.settings == settings_before


HR_ONLY = [
    ("get", "{p}/manage/"),
    ("get", "{p}/draft/"),
    ("post", "{p}/draft/preview/"),
    ("post", "{p}/draft/submit/"),
    ("post", "{p}/draft/review/"),
    ("post", "{p}/draft/publish/"),
    ("get", "{p}/versions/{v}/report/"),
    ("get", "{p}/versions/{v}/report/teams/"),
    ("get", "{p}/versions/{v}/report.csv"),
    ("get", "questions/"),
    ("post", "questions/{q}/answer/"),
    ("post", "questions/{q}/faq/"),
]


def test_employee_gets_403_on_every_hr_page_and_nothing_changes(org, hr, employee, client_for):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        services.draft_start(organization=org, actor=hr, policy=policy)
        question, _ = services.question_ask(organization=org, actor=employee, version=version, body="Why?")
    before = counts(org)
    client = client_for(employee)
    data = {"body_markdown": "x", "change_kind": "material", "answer": "Because.", "published": "1", "approve": "1"}
    for method, path in HR_ONLY:
        target = url(org, path.format(p=policy.pk, v=version.pk, q=question.pk))
        response = getattr(client, method)(target, data) if method == "post" else client.get(target)
        assert response.status_code == 403, target
    assert counts(org) == before
    with organization_scope(org):
        assert PolicyQuestion.objects.get(pk=question.pk).answered_at is None


def test_admin_tracks_but_cannot_author(org, hr, admin, client_for):
    policy, version = published_policy(org, actor=hr)
    client = client_for(admin)
    assert client.get(url(org, f"{policy.pk}/versions/{version.pk}/report/")).status_code == 200
    assert client.get(url(org, f"{policy.pk}/draft/")).status_code == 403
    assert client.post(url(org, f"{policy.pk}/draft/publish/"), {"change_kind": "material"}).status_code == 403


def test_hr_writes_previews_and_publishes(org, hr, client_for):
    client = client_for(hr)
    response = client.post(url(org, "new/"), {"title": "Brand guidelines", "kind": "brand", "audience_all": "1"})
    assert response.status_code == 302
    with organization_scope(org):
        policy = Policy.objects.get(title="Brand guidelines")
    preview = client.post(url(org, f"{policy.pk}/draft/preview/"), {"body_markdown": "# Logo\n\n<script>x</script>ok"})
    assert b"<h2>Logo</h2>" in preview.content and b"<script" not in preview.content
    # a draft that fails validation keeps what HR typed and changes nothing
    bad = client.post(
        url(org, f"{policy.pk}/draft/"),
        {"title": "Brand guidelines", "body_markdown": "My careful text", "quiz_source": "nonsense", "pass_mark": ""},
    )
    assert bad.status_code == 400 and b"My careful text" in bad.content and b"Line 1" in bad.content
    with organization_scope(org):
        assert PolicyVersion.objects.get(policy=policy).body_markdown == ""
    client.post(url(org, f"{policy.pk}/draft/"), {"title": "Brand guidelines", "body_markdown": "# Logo\n\nUse it."})
    done = client.post(url(org, f"{policy.pk}/draft/publish/"), {"change_kind": "material"})
    assert done.status_code == 302
    with organization_scope(org):
        version = PolicyVersion.objects.get(policy=policy)
    assert version.number == 1 and version.status == "published"


def test_compare_page_shows_highlighted_changes(org, hr, employee, client_for):
    policy, v1 = published_policy(org, actor=hr)
    v2 = publish(org, policy, actor=hr, body=BODY_V2 + "\n<img src=x onerror=alert(1)>\n")
    page = client_for(employee).get(url(org, f"{policy.pk}/compare/?a={v1.pk}&b={v2.pk}"))
    assert page.status_code == 200
    assert b"<ins>" in page.content and b"<del>" in page.content
    assert b"<img src=x" not in page.content and b"&lt;img" in page.content


def _grow(org, version, n, team):
    users = [UserFactory() for _ in range(n)]
    for i, user in enumerate(users):
        MembershipFactory(organization=org, user=user, roles=[Role.EMPLOYEE], team=team)
        if i % 2:
            with organization_scope(org):
                services.acknowledge(organization=org, actor=user, version=version)


def test_report_query_count_is_constant(org, hr, client_for):
    teams = [TeamFactory(organization=org, name=f"T{i}") for i in range(3)]
    policy, version = published_policy(org, actor=hr)
    client = client_for(hr)
    page_url = url(org, f"{policy.pk}/versions/{version.pk}/report/?team={teams[0].pk}")
    _grow(org, version, 4, teams[0])
    client.get(page_url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(page_url).status_code == 200
    _grow(org, version, 60, teams[0])
    _grow(org, version, 5, teams[1])
    client.get(page_url)  # the acknowledgements changed the policies generation: the summary is built again
    with CaptureQueriesContext(connection) as large:
        response = client.get(page_url)
    assert response.status_code == 200 and b"Page 1 of 2" in response.content
    assert len(small) == len(large), [q["sql"][:120] for q in large.captured_queries]


def test_report_csv_streams_and_escapes(org, hr, client_for):
    team = TeamFactory(organization=org, name="=HYPERLINK(evil)")
    policy, version = published_policy(org, actor=hr)
    MembershipFactory(organization=org, user=UserFactory(full_name="@SUM(1+1)"), team=team)
    response = client_for(hr).get(url(org, f"{policy.pk}/versions/{version.pk}/report.csv?team={team.pk}"))
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("name,email,team,status")
    assert "'@SUM(1+1)" in body and "'=HYPERLINK(evil)" in body and len(lines) == 2


def test_foreign_team_in_filter_is_404(org, hr, other_org, client_for):
    policy, version = published_policy(org, actor=hr)
    foreign = TeamFactory(organization=other_org)
    response = client_for(hr).get(url(org, f"{policy.pk}/versions/{version.pk}/report/?team={foreign.pk}"))
    assert response.status_code == 404


def test_questions_flow(org, hr, employee, client_for):
    policy, version = published_policy(org, actor=hr)
    emp = client_for(employee)
    anon = emp.post(url(org, f"{policy.pk}/questions/"), {"kind": "question", "body": "Secret?", "anonymous": "on"})
    assert anon.status_code == 200 and b"private code" in anon.content
    emp.post(url(org, f"{policy.pk}/questions/"), {"kind": "question", "body": "Named?"})
    inbox = client_for(hr).get(url(org, "questions/"))
    assert b"Anonymous" in inbox.content and b"Secret?" in inbox.content
    secret_block = inbox.content.split(b"Secret?")[0].rsplit(b'class="question"', 1)[1]
    assert employee.email.encode() not in secret_block and b"Emery" not in secret_block
    with organization_scope(org):
        named = PolicyQuestion.objects.get(body="Named?")
    client_for(hr).post(url(org, f"questions/{named.pk}/answer/"), {"answer": "Yes.", "publish_faq": "on"})
    assert b"New answer" in client_for(employee).get(url(org, "my-questions/")).content
    assert b"Frequently asked" in client_for(employee).get(url(org, f"{policy.pk}/")).content


def test_onboarding_banner_on_home(org, hr, employee, client_for):
    published_policy(org, actor=hr)
    home = client_for(employee).get(f"/o/{org.slug}/")
    assert b"needs your acknowledgement" in home.content


def test_the_page_shows_byte_for_byte_the_text_its_hash_covers(org, hr, employee, client_for):
    body = (
        '# Links\n\nSee [our guide](https://acme.example/guide "Guide") and <mailto:press@acme.example>.\n\n'
        '<!-- a note -->\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n<a href="https://x.example" rel="opener">raw</a>\n'
    )
    policy = make_policy(org, actor=hr)
    version = publish(org, policy, actor=hr, body=body)
    assert 'rel="noopener noreferrer nofollow"' in version.body_html
    page = client_for(employee).get(url(org, f"{policy.pk}/versions/{version.pk}/")).content.decode()
    assert version.body_html in page
    assert version.content_sha256 in page


def test_a_refused_publish_keeps_the_dates_hr_typed(org, hr, client_for):
    client = client_for(hr)
    policy = make_policy(org, actor=hr)
    response = client.post(
        url(org, f"{policy.pk}/draft/publish/"),
        {"change_kind": "material", "due_on": "2031-03-15", "review_due_on": "2001-01-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The review date must be in the future." in html
    assert 'value="2031-03-15"' in html and 'value="2001-01-01"' in html
    with organization_scope(org):
        assert not PolicyVersion.objects.filter(policy=policy, status="published").exists()


def test_a_refused_answer_keeps_what_hr_typed(org, hr, employee, client_for):
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        question, _ = services.question_ask(
            organization=org, actor=employee, version=version, body="May I post photos from the office?"
        )
    typed = "Yes, with care. " * 600  # over 8,000 characters
    response = client_for(hr).post(url(org, f"questions/{question.pk}/answer/"), {"answer": typed, "publish_faq": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the answer (up to 8,000 characters)." in html
    assert typed.strip() in html and 'name="publish_faq" value="on" checked' in html
    with organization_scope(org):
        assert PolicyQuestion.objects.get(pk=question.pk).answered_at is None
