"""Demo data: the points the demo organization's people earned with what the other apps' demo data records
(weeks of confirmed shares, approved suggestions, acknowledgements), plus weeks of kudos on the wall, rewards
with a redemption approved and one waiting, success stories (published, and one waiting for the admin), a
milestone, an admin's own badge given by hand, and the badges the history earns. Awarded by the same services
the beat task and the pages use. Idempotent: each part is made once (the ledger's and badges' unique keys, and
a check for what exists), and one member chose to appear as "a colleague"."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import services, sources
from .models import Badge, BoardPreference, Kudos, Reward, Story
from .services.ledger import _locked_state

THANKS = [
    "Thanks for sharing the launch post so early, it reached two of our prospects.",
    "Your post about the hiring day brought us three great candidates!",
    "Thank you for explaining the new social media policy to the team.",
    "Great caption on the customer story, clear and human.",
    "Thanks for helping me connect my Mastodon account.",
    "Your share of the webinar filled the last seats. Thank you!",
]
REWARDS = [
    ("Coffee with the CEO", "Half an hour, your questions.", 40, 5),
    ("Conference ticket", "A ticket to a conference of your choice in your field.", 300, 2),
    ("Charity donation", "We give €25 to a charity you choose.", 60, 50),
    ("Company hoodie", "The good one, in your size.", 80, 20),
]
STORIES = [
    (
        "A share that turned into a client",
        "A prospect saw my share of our case study on LinkedIn and asked for a call the next day.",
        "A signed pilot with a 40-person team.",
    ),
    (
        "Hiring day, full house",
        "Five of us shared the hiring-day post the week before; most candidates said they saw it from us.",
        "42 candidates, 6 offers.",
    ),
]


def _kudos(organization, people, employees) -> None:
    if Kudos.objects.exists():
        return
    now = timezone.now()
    pairs = [(employees[i % len(employees)], employees[(i * 3 + 1) % len(employees)]) for i in range(18)]
    pairs += [(people["admin"], people["employee"]), (people["employee"], employees[0])]
    rows = []
    for i, (giver, receiver) in enumerate(pairs):
        if giver.pk != receiver.pk:
            rows.append(
                Kudos(
                    organization=organization,
                    giver=giver,
                    receiver=receiver,
                    message=THANKS[i % len(THANKS)],
                    created_at=now - datetime.timedelta(days=(len(pairs) - i) * 1.3, hours=i),
                )
            )
    Kudos.objects.bulk_create(rows)


def _stories(organization, people, employees) -> None:
    if Story.objects.exists():
        return
    now = timezone.now()
    for weeks, (title, what, result) in enumerate(STORIES, start=1):
        Story.objects.create(
            organization=organization,
            author=employees[weeks],
            title=title,
            what_happened=what,
            result=result,
            status=Story.Status.APPROVED,
            submitted_at=now - datetime.timedelta(weeks=weeks, days=2),
            decided_at=now - datetime.timedelta(weeks=weeks),
            decided_by=people["admin"],
            published_at=now - datetime.timedelta(weeks=weeks),
        )
    Story.objects.create(
        organization=organization,
        kind=Story.Kind.MILESTONE,
        author=people["admin"],
        title="Our advocacy program reached 1,000 shares",
        what_happened="Since the launch, you shared our news a thousand times.",
        result="Three times the reach of our company pages alone.",
        status=Story.Status.APPROVED,
        decided_at=now - datetime.timedelta(days=3),
        decided_by=people["admin"],
        published_at=now - datetime.timedelta(days=3),
    )
    Story.objects.create(
        organization=organization,
        author=people["employee"],
        title="A journalist quoted my post",
        what_happened="A trade journalist found my post about our sustainability report and quoted it.",
        result="An article in the weekly trade newsletter.",
    )


def _rewards(organization, people, employees) -> None:
    if Reward.objects.exists():
        return
    rewards = [
        Reward.objects.create(organization=organization, name=name, description=text, cost=cost, stock=stock)
        for name, text, cost, stock in REWARDS
    ]
    admin = people["admin"]
    for user, reward, approve in ((employees[0], rewards[0], True), (employees[1], rewards[2], False)):
        try:
            asked = services.redemption_request(organization=organization, actor=user, reward=reward)
            if approve:
                services.redemption_approve(organization=organization, actor=admin, redemption=asked)
        except ValidationError:
            continue  # not enough points in this demo's history: no redemption for them


def _badges(organization, people, employees) -> None:
    services.badges_ensure_built_in(organization=organization)
    badge = Badge.objects.filter(name="Launch crew").first()
    if badge is None:
        badge = services.badge_create(
            organization=organization,
            actor=people["admin"],
            name="Launch crew",
            description="Helped the launch go out.",
            rule=Badge.Rule.MANUAL,
            threshold=None,
        )
        services.badge_award_by_hand(
            organization=organization, actor=people["admin"], badge=badge, user=employees[2], note="Spring launch"
        )
    member_ids = [u.pk for u in [*employees, people["employee"], people["admin"]]]
    services.badges_evaluate(organization=organization, user_ids=member_ids)


def seed(demo):
    organization = demo.organization
    people = demo.people
    employees = people.get("employees") or []
    _kudos(organization, people, employees)
    _stories(organization, people, employees)
    services.points_award_run(organization=organization)
    with transaction.atomic():  # the whole history, once more: kudos and stories dated before the watermark
        _locked_state(organization)
        services.points_award(
            organization=organization,
            candidates=sources.candidates(organization=organization, since=None, until=timezone.now()),
        )
    _rewards(organization, people, employees)
    _badges(organization, people, employees)
    if len(employees) > 3:
        BoardPreference.objects.get_or_create(
            organization=organization,
            user=employees[3],
            defaults={"visibility": BoardPreference.Visibility.ANONYMOUS},
        )
