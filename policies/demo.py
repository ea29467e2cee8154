"""Demo data: a realistic social-media policy with two versions (most employees acknowledged v1, some v2),
brand guidelines and disclosure rules, and a few answered questions. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from .markup import render_markdown, sha256_of
from .models import Acknowledgement, Policy, PolicyQuestion, PolicyVersion

SOCIAL_V1 = """# Purpose

We are proud when our people talk about their work. This policy explains how to do it in a way that protects
you, our customers and the company. It applies to every post, comment, share, like and direct message about
our work, on any network.

# Scope

This policy covers **everyone in the organization**: employees, contractors and interns, on company and
personal accounts, during and outside working hours.

# Disclosure

- When you post about our products, services or competitors, **say that you work here**.
- Use the hashtag `#employee` or a clear sentence such as “I work at Acme”.
- Never post fake reviews or ratings, and never ask friends or family to post them for us.

# Confidentiality

Do not share anything that is not already public: financial results before they are announced, product
roadmaps, customer names, internal documents, screenshots of internal tools, or photos of whiteboards.

When in doubt, leave it out — or ask the communications team first.

# Respectful conduct

Be the colleague online that you are at work. No harassment, discrimination, threats or personal attacks,
even when others are rude. Disagree with arguments, not with people.

# Personal accounts

Your personal accounts are yours. Make it clear that your opinions are your own, for example with
“Views are my own” in your profile. Do not use the company logo as your profile picture.

# Crisis and incidents

If you see a post about the company that is false, hostile or going viral:

1. Do **not** reply or argue.
2. Take a screenshot and note the link.
3. Report it through the platform's *Report a post* button, or email the communications team.

Only official spokespeople speak for the company to journalists.

# Violations

Breaking this policy can lead to removal of the post, the loss of sharing access, and disciplinary action up
to and including dismissal, as described in the employee handbook.
"""

SOCIAL_V2 = (
    SOCIAL_V1.replace(
        "- Use the hashtag `#employee` or a clear sentence such as “I work at Acme”.",
        "- Use the hashtag `#employee` **and** a clear sentence such as “I work at Acme” — a hashtag alone is not\n"
        "  enough on networks that hide hashtags.\n"
        "- Paid or gifted partnerships must also be labelled with the network's own *paid partnership* tool.",
    )
    .replace(
        "When in doubt, leave it out — or ask the communications team first.",
        "When in doubt, leave it out — or ask the communications team first.\n\n"
        "Generative AI tools are public places too: never paste confidential material into them.",
    )
    .replace(
        "Only official spokespeople speak for the company to journalists.",
        "Only official spokespeople speak for the company to journalists. Forward press requests to "
        "press@acme.example within one working day.",
    )
)

SOCIAL_QUIZ = """Q: You post about a new Acme product on your personal account. What must you add?
- Nothing, it is my personal account
* A clear statement that you work at Acme
- A link to the careers page
Q: A post about Acme is going viral and it is false. What do you do first?
- Reply to correct it
* Take a screenshot and report it
- Share it with friends to ask their opinion
"""

BRAND = """# Our name and logo

Write **Acme** with a capital A and lower-case letters. Use the logo files from the brand portal only; do not
stretch, recolour or rotate them.

# Voice

Clear, warm, and confident. Prefer short sentences and plain words. Avoid jargon and exclamation marks.

# Imagery

Use photos from the approved library. Ask for written consent before posting a photo of a colleague or
customer.
"""

DISCLOSURE = """# Why we disclose

Regulators and the networks require that people can see when a post is connected to a company.

# How

| Situation | What to add |
| --- | --- |
| You post about our products | “I work at Acme” or `#employee` |
| You received a gift or payment | The network's *paid partnership* label |
| You share a campaign post | Keep the disclosure that comes with it |

# Markets with stricter rules

In some countries the disclosure must appear **before** the “more” cut-off. When in doubt, put it first.
"""

QUESTIONS = [
    (
        "Can I share our job openings on my personal LinkedIn?",
        "Yes — please do. Job openings are public, so there is nothing confidential in them. Add that you work here.",
    ),
    (
        "Is a like or a retweet covered by the policy?",
        "Yes. Liking or resharing is a public endorsement, so the same rules apply as for your own posts.",
    ),
    (
        "Can I mention a customer we won if their logo is on our website?",
        "If the customer is already listed publicly on our website, yes. Otherwise ask the account team first.",
    ),
]


def _version(demo, policy, number, body, *, days_ago, change_kind, summary="", quiz="", pass_mark=None, anchor=None):
    org = demo.organization
    existing = PolicyVersion.objects.filter(organization=org, policy=policy, number=number).first()
    if existing:
        return existing
    html = render_markdown(body)
    version = PolicyVersion.objects.create(
        organization=org,
        policy=policy,
        number=number,
        status=PolicyVersion.Status.DRAFT,  # published just below, once its anchor is known
        title=policy.title,
        body_markdown=body,
        body_html=html,
        content_sha256=sha256_of(html),
        change_kind=change_kind,
        change_summary=summary,
        quiz_source=quiz,
        pass_mark=pass_mark,
        created_by=demo.people["hr"],
        approved_by=demo.people["admin"],
        published_by=demo.people["hr"],
        published_at=timezone.now() - timedelta(days=days_ago),
        due_on=(timezone.now() - timedelta(days=days_ago) + timedelta(days=30)).date(),
    )
    version.ack_anchor = anchor or version
    version.status = PolicyVersion.Status.PUBLISHED
    PolicyVersion.objects.filter(pk=version.pk).update(ack_anchor=version.ack_anchor, status=version.status)
    return version


def _policy(demo, title, kind, summary):
    policy, _ = Policy.objects.get_or_create(
        organization=demo.organization,
        title=title,
        defaults={"kind": kind, "summary": summary, "owner": demo.people["hr"], "created_by": demo.people["hr"]},
    )
    return policy


def _publish_chain(policy, versions):
    for older in versions[:-1]:
        if older.status != PolicyVersion.Status.SUPERSEDED:
            PolicyVersion.objects.filter(pk=older.pk).update(status=PolicyVersion.Status.SUPERSEDED)
    policy.current_version = versions[-1]
    policy.review_due_on = (versions[-1].published_at + timedelta(days=365)).date()
    policy.save(update_fields=["current_version", "review_due_on", "updated_at"])


def _ack(demo, version, user, when):
    org = demo.organization
    if Acknowledgement.objects.filter(organization=org, version=version, user=user).exists():
        return
    Acknowledgement.objects.create(
        organization=org,
        policy=version.policy,
        version=version,
        anchor_id=version.ack_anchor_id,
        user=user,
        user_email=user.email,
        user_name=user.full_name,
        content_sha256=version.content_sha256,
        acknowledged_at=when,
        ip_address="198.51.100.10",
        user_agent="Mozilla/5.0 (demo data)",
    )


def seed(demo):
    org = demo.organization
    people = demo.people
    everyone = [people["admin"], people["hr"], people["moderator"], *people["employees"]]

    social = _policy(
        demo,
        "Social media policy",
        "social_media",
        "How to talk about your work online: disclosure, confidentiality and conduct.",
    )
    v1 = _version(demo, social, 1, SOCIAL_V1, days_ago=200, change_kind="material")
    v2 = _version(
        demo,
        social,
        2,
        SOCIAL_V2,
        days_ago=6,
        change_kind="material",
        summary="Stronger disclosure rules, generative AI, press requests.",
        quiz=SOCIAL_QUIZ,
        pass_mark=100,
    )
    _publish_chain(social, [v1, v2])
    # most people acknowledged v1; some have already acknowledged v2 (the demo employee has not)
    for i, user in enumerate(everyone):
        if i % 7 != 6:
            _ack(demo, v1, user, v1.published_at + timedelta(days=1 + i % 9, hours=i))
    for i, user in enumerate(everyone):
        if i % 3 == 0 and user != people["employee"]:
            _ack(demo, v2, user, v2.published_at + timedelta(hours=3 + i))

    brand = _policy(demo, "Brand guidelines", "brand", "Our name, logo, voice and imagery.")
    b1 = _version(demo, brand, 1, BRAND, days_ago=120, change_kind="material")
    _publish_chain(brand, [b1])
    for i, user in enumerate(everyone):
        if i % 4 != 3:
            _ack(demo, b1, user, b1.published_at + timedelta(days=2, hours=i))

    disclosure = _policy(demo, "Disclosure rules", "disclosure", "When and how to say you work here.")
    d1 = _version(demo, disclosure, 1, DISCLOSURE, days_ago=400, change_kind="material")
    _publish_chain(disclosure, [d1])
    Policy.objects.filter(pk=disclosure.pk).update(review_due_on=(timezone.now() - timedelta(days=35)).date())
    for user in everyone[:10]:
        _ack(demo, d1, user, d1.published_at + timedelta(days=3))

    for i, (asked, answer) in enumerate(QUESTIONS):
        if PolicyQuestion.objects.filter(organization=org, policy=social, body=asked).exists():
            continue
        PolicyQuestion.objects.create(
            organization=org,
            policy=social,
            version=v1 if i < 2 else v2,
            body=asked,
            asked_by=people["employees"][i] if i != 1 else None,
            is_anonymous=i == 1,
            answer=answer,
            answered_by=people["hr"],
            answered_at=timezone.now() - timedelta(days=3 - i),
            faq_published=True,
            faq_question=asked,
            created_at=timezone.now() - timedelta(days=10 - i),
        )
    if not PolicyQuestion.objects.filter(organization=org, policy=social, answered_at__isnull=True).exists():
        PolicyQuestion.objects.create(
            organization=org,
            policy=social,
            version=v2,
            body="Does the AI rule also cover translation tools like DeepL?",
            asked_by=people["employee"],
            created_at=timezone.now() - timedelta(hours=5),
        )
