"""Demo data for training: the starter course "Social media at work" (five short lessons, two case studies, six
scenario questions), assigned to everyone with some completions and some overdue, a refresher for new members,
an upcoming workshop with registrations, a check-in with answers, and a feedback round on the social media
policy. Written row by row (no emails are queued); idempotent."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import (
    CheckIn,
    CheckInResponse,
    Course,
    CourseAssignment,
    CourseCompletion,
    CourseProgress,
    CourseVersion,
    FeedbackAnswer,
    FeedbackRound,
    Policy,
    Workshop,
    WorkshopRegistration,
)
from .services.courses import frozen_content

STARTER_TITLE = "Social media at work"

STARTER_LESSONS = """# Why it matters

What you post about work reaches customers, candidates, journalists and your colleagues, often within minutes and
for years. Posting well helps people see the company through your eyes, which no advertisement can do.

This course takes five minutes. It covers what to share, how to say you work here, what never to share, how to
handle a heated thread, and what to do when something goes wrong.

# What to share

Good posts are **personal and specific**: a project you are proud of, an event you went to, a colleague you want
to thank, a job opening you would recommend to a friend.

- Share from the content library: everything there is approved and ready to post.
- Add one sentence of your own. People follow people, not press releases.
- Check the picture before you post it: screens, whiteboards and badges in the background.

# Say you work here

When you post about our products, services or competitors, **say that you work here**: “I work at Acme” in the
post, or the hashtag `#employee`. A line in your profile is not enough: people read the post, not the profile.

Never post reviews or ratings of our products, and never ask friends or family to.

# Case study: the whiteboard selfie

**What happened.** An engineer posted a team selfie after a planning day. Behind the team, the whiteboard showed
the next product's name and launch month. A trade blog zoomed in within two hours.

**What it cost.** The launch was announced three months early by someone else; a partner deal that depended on
the surprise fell through.

**What to do instead.** Look at the whole picture before posting, or take it against a plain wall. When in doubt,
leave it out, or ask the communications team.

# Keep it confidential

Do not share anything that is not already public: results before they are announced, customer names, internal
documents, screenshots of internal tools, prices under negotiation, or someone else's personal data.

Your own opinions are yours: say so with “views are my own” when you talk about the industry.

# Case study: the angry customer thread

**What happened.** A customer posted an angry complaint. A well-meaning salesperson replied from their personal
account, argued about the facts, and quoted the customer's contract terms.

**What it cost.** The thread went viral, the contract terms were confidential, and the customer left.

**What to do instead.** Do not reply or argue. Report the post from the platform's *Report a post* button or send
the link to the communications team, who answer within the hour. Only official spokespeople answer for us.

# When something goes wrong

Everyone makes a mistake one day. If you posted something you should not have:

1. Delete it if you can.
2. Tell your manager or the communications team straight away: early is always better.
3. Do not post a correction on your own; we will help you with the words.

Thank you for speaking up for the company, and for doing it with care.
"""

STARTER_QUIZ = """Q: You are proud of a feature your team shipped. Would you post about it?
* Yes, with a sentence of my own and a mention that I work here
- Yes, but without saying I work here, so it looks independent
- No, employees should never post about our products
Why: personal posts are welcome; saying you work here is what makes them honest.

Q: Your team selfie has the planning whiteboard in the background. Would you post it?
- Yes, nobody reads whiteboards
* Not before checking what is on it, or taking it again against a plain wall
Why: roadmaps and customer names leak through backgrounds, as in the case study.

Q: A customer posts an angry complaint and tags you. What do you do?
- Reply with the facts so they stop spreading wrong information
* Not reply, and send the link to the communications team
- Quote their contract to show they are wrong
Why: only official spokespeople answer; contracts are confidential.

Q: A friend asks you to leave a five-star review of our product. Would you?
- Yes, it is a real opinion
* No: employees never post reviews or ratings of our products
Why: a review by an employee misleads readers, even if the opinion is sincere.

Q: A journalist messages you about rumours of a new office. What do you do?
- Confirm it if it is true
- Say “no comment” publicly
* Pass the message to the communications team without answering
Why: only spokespeople speak to journalists, and “no comment” is still a comment.

Q: You posted a photo and notice a customer's name on a screen behind you. What now?
* Delete it and tell the communications team straight away
- Leave it: deleting makes it look worse
- Post a correction explaining the mistake
Why: early is always better, and the team helps with any wording.
"""

WORKSHOP_TITLE = "Your professional profile on LinkedIn"
CHECKIN_TITLE = "How is sharing about work going?"
ROUND_PROMPT = "Does the social media policy still fit how you work?"


def _starter_course(org, hr) -> Course:
    course = Course.objects.filter(organization=org, title=STARTER_TITLE).first()
    if course is not None:
        return course
    course = Course.objects.create(
        organization=org,
        title=STARTER_TITLE,
        summary="Five minutes on posting about work: what to share, disclosure, confidentiality, incidents.",
        recur_months=12,
        assign_new_members=True,
        new_member_due_days=14,
        created_by=hr,
    )
    version = CourseVersion(
        organization=org,
        course=course,
        title=STARTER_TITLE,
        lessons_markdown=STARTER_LESSONS,
        quiz_source=STARTER_QUIZ,
        pass_mark=80,
        created_by=hr,
    )
    lessons, digest = frozen_content(version)
    version.lessons, version.content_sha256 = lessons, digest
    version.number, version.status = 1, CourseVersion.Status.PUBLISHED
    version.published_by, version.published_at = hr, timezone.now() - timedelta(days=30)
    version.save()
    course.current_version = version
    course.save(update_fields=["current_version"])
    return course


def _assign_everyone(org, course, people, hr):
    """Everyone is assigned; a third completed, some are overdue; the demo employee is half-way through."""
    version = course.current_version
    everyone = [people["admin"], people["hr"], people["moderator"], people["employee"], *people["employees"]]
    today = timezone.localdate()
    for i, user in enumerate(everyone):
        if CourseAssignment.objects.filter(organization=org, course=course, user=user).exists():
            continue
        overdue = i % 4 == 1
        assignment = CourseAssignment.objects.create(
            organization=org,
            course=course,
            user=user,
            due_on=today - timedelta(days=3) if overdue else today + timedelta(days=10),
            source=CourseAssignment.Source.EVERYONE,
            reason="Everyone takes it once a year.",
            assigned_by=hr,
        )
        if i % 3 == 0 and user != people["employee"]:
            done_at = timezone.now() - timedelta(days=20 - i % 10, hours=i)
            completion = CourseCompletion.objects.create(
                organization=org,
                course=course,
                version=version,
                user=user,
                user_email=user.email,
                user_name=user.full_name,
                content_sha256=version.content_sha256,
                score=100 - 17 * (i % 2),
                completed_at=done_at,
                valid_until=done_at + timedelta(days=365),
            )
            CourseAssignment.objects.filter(pk=assignment.pk).update(completion=completion, completed_at=done_at)
    CourseProgress.objects.get_or_create(
        organization=org,
        version=version,
        user=people["employee"],
        defaults={"course": course, "lessons_done": [0, 1, 2], "last_lesson": 3},
    )


def _workshop(org, course, people, hr):
    if Workshop.objects.filter(organization=org, title=WORKSHOP_TITLE).exists():
        return
    day = timezone.localdate() + timedelta(days=6)
    workshop = Workshop.objects.create(
        organization=org,
        title=WORKSHOP_TITLE,
        description="An hour to polish your profile with the communications team: headline, photo, what to post "
        "first. Bring your laptop. Counts as completing the starter course.",
        starts_at=datetime.combine(day, time(10, 0), ZoneInfo("Europe/Paris")),
        time_zone="Europe/Paris",
        duration_minutes=60,
        location="Paris office, room Lumière",
        video_url="https://meet.example.com/acme-linkedin",
        capacity=20,
        course=course,
        created_by=hr,
    )
    for user in people["employees"][:7]:
        WorkshopRegistration.objects.create(organization=org, workshop=workshop, user=user)


def _checkin(org, people, hr):
    if CheckIn.objects.filter(organization=org, title=CHECKIN_TITLE).exists():
        return
    checkin = CheckIn.objects.create(
        organization=org,
        title=CHECKIN_TITLE,
        questions=[
            {"text": "I feel confident posting about my work.", "kind": "scale"},
            {"text": "The content library has what I want to share.", "kind": "scale"},
            {"text": "What would help you share more?", "kind": "text"},
        ],
        starts_on=timezone.localdate() - timedelta(days=2),
        repeat_days=90,
        open_days=14,
        created_by=hr,
    )
    ideas = ["More videos from the product team", "", "Examples of good posts", "", "Shorter captions", "", ""]
    for i, user in enumerate(people["employees"][:7]):
        CheckInResponse.objects.create(
            organization=org,
            checkin=checkin,
            round_on=checkin.starts_on,
            user=user,
            answers=[3 + i % 3, 2 + i % 4, ideas[i]],
        )


def _feedback_round(org, people, hr):
    policy = Policy.objects.filter(organization=org, kind="social_media", current_version__isnull=False).first()
    if policy is None or FeedbackRound.objects.filter(organization=org, policy=policy).exists():
        return
    feedback_round = FeedbackRound.objects.create(
        organization=org,
        policy=policy,
        version_id=policy.current_version_id,
        prompt=ROUND_PROMPT,
        closes_on=timezone.localdate() + timedelta(days=10),
        opened_by=hr,
        opened_at=timezone.now() - timedelta(days=2),
    )
    comments = ["Clear and short.", "", "The AI section needs examples.", "", "", "Good, but remind us yearly."]
    for i, user in enumerate(people["employees"][:6]):
        FeedbackAnswer.objects.create(
            organization=org, round=feedback_round, user=user, rating=3 + i % 3, comment=comments[i]
        )


def seed(demo):
    org, people = demo.organization, demo.people
    hr = people["hr"]
    course = _starter_course(org, hr)
    _assign_everyone(org, course, people, hr)
    _workshop(org, course, people, hr)
    _checkin(org, people, hr)
    _feedback_round(org, people, hr)
