"""API under /api/v1/o/<slug>/policies/training/: courses (taking them, assigning them, their completion
report), my assignments and completions, workshops (registration, .ics), check-ins; and the feedback rounds of a
policy (/api/v1/o/<slug>/policies/<policy_id>/feedback-rounds/). Same services, selectors and permissions as
the pages."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet

from . import selectors, services
from .calendar import calendar_bytes
from .models import CheckIn, Course, CourseAssignment, CourseCompletion, FeedbackRound, Workshop
from .training_serializers import (
    AssignInputSerializer,
    AssignmentSerializer,
    CheckInAnswerSerializer,
    CheckInSerializer,
    CompletionSerializer,
    CourseSerializer,
    FeedbackAnswerInputSerializer,
    FeedbackRoundSerializer,
    QuizInputSerializer,
    QuizResultSerializer,
    WorkshopSerializer,
)

ReportSerializer = inline_serializer(
    "CourseCompletionReport",
    {
        "assigned": serializers.IntegerField(),
        "completed": serializers.IntegerField(),
        "in_progress": serializers.IntegerField(),
        "overdue": serializers.IntegerField(),
        "percent": serializers.IntegerField(),
        "teams": serializers.ListField(child=serializers.DictField()),
    },
)


class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Courses. Members see the published, active ones; HR sees every course. Members take them here too."""

    model = Course
    serializer_class = CourseSerializer
    lookup_url_kwarg = "course_id"
    required_actions = {
        "list": "policies.view",
        "retrieve": "policies.view",
        "assign": "policies.train",
        "report": "policies.train_report",
        "complete_lesson": "policies.view",
        "quiz": "policies.view",
    }

    def scoped_queryset(self):
        qs = Course.objects.filter(organization=self.organization).select_related("current_version").order_by("pk")
        if self.membership.may("policies.train"):
            return qs
        return qs.filter(status=Course.Status.ACTIVE, current_version__isnull=False)

    def _published(self) -> Course:
        course = self.get_object()
        if course.current_version_id is None:
            raise Http404
        return course

    @extend_schema(
        request=AssignInputSerializer,
        responses={201: inline_serializer("AssignResult", {"assigned": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, *args, **kwargs):
        """Assign to one member (`user`), a team (`team`) or everyone (neither)."""
        course = self.get_object()
        data = AssignInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        common = {"organization": self.organization, "actor": request.user, "course": course}
        if values.get("user"):
            services.course_assign(
                **common, user=values["user"], due_on=values["due_on"], reason=values.get("reason", "")
            )
            assigned = 1
        else:
            assigned = services.course_assign_group(
                **common, due_on=values["due_on"], team=values.get("team"), reason=values.get("reason", "")
            )
        return Response({"assigned": assigned}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ReportSerializer})
    @action(detail=True, methods=["get"])
    def report(self, request, *args, **kwargs):
        """Counts overall and by team (the people are on the assignments endpoint)."""
        course = self._published()
        summary = selectors.course_report_summary(organization=self.organization, course=course)
        return Response({**summary["totals"], "teams": summary["teams"]})

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "LessonDone",
                {
                    "lessons_done": serializers.ListField(child=serializers.IntegerField()),
                    "completed": serializers.BooleanField(),
                },
            )
        },
    )
    @action(detail=True, methods=["post"], url_path=r"lessons/(?P<lesson_index>\d+)/complete")
    def complete_lesson(self, request, *args, lesson_index=None, **kwargs):
        course = self._published()
        progress = services.lesson_complete(
            organization=self.organization, actor=request.user, course=course, index=int(lesson_index)
        )
        done = selectors.completion_of(organization=self.organization, user=request.user, course=course)
        return Response({"lessons_done": progress.lessons_done, "completed": done is not None})

    @extend_schema(request=QuizInputSerializer, responses={200: QuizResultSerializer})
    @action(detail=True, methods=["post"])
    def quiz(self, request, *args, **kwargs):
        course = self._published()
        data = QuizInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.course_quiz_submit(
            organization=self.organization, actor=request.user, course=course, answers=data.validated_data["answers"]
        )
        body = {
            "score": result.attempt.score,
            "passed": result.passed,
            "completion_id": result.completion.pk if result.completion else None,
        }
        return Response(QuizResultSerializer(body).data)


class CourseAssignmentViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """A course's current assignments, one per member (HR and admins): who, due when, completed or not."""

    model = CourseAssignment
    serializer_class = AssignmentSerializer
    required_actions = {"list": "policies.train_report"}
    cursor_ordering = "pk"

    def scoped_queryset(self):
        course = selectors.get_course_for_org(self.organization, self.kwargs["course_id"])
        return selectors.training._current_assignments(self.organization, course).select_related("course")


class MyAssignmentViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """The caller's own assignments, open and completed."""

    model = CourseAssignment
    serializer_class = AssignmentSerializer
    required_actions = {"list": "policies.view"}
    cursor_ordering = "pk"

    def scoped_queryset(self):
        return CourseAssignment.objects.filter(organization=self.organization, user=self.request.user).select_related(
            "course"
        )


class MyCompletionViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """The caller's own completion records (append-only)."""

    model = CourseCompletion
    serializer_class = CompletionSerializer
    required_actions = {"list": "policies.view"}
    cursor_ordering = "pk"

    def scoped_queryset(self):
        return CourseCompletion.objects.filter(organization=self.organization, user=self.request.user).select_related(
            "version"
        )


class WorkshopViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Workshops from the last two weeks on, with seats taken and whether the caller registered."""

    model = Workshop
    serializer_class = WorkshopSerializer
    lookup_url_kwarg = "workshop_id"
    cursor_ordering = ("starts_at", "pk")
    required_actions = {
        "list": "policies.view",
        "retrieve": "policies.view",
        "register": "policies.view",
        "unregister": "policies.view",
        "ics": "policies.view",
    }

    def scoped_queryset(self):
        return selectors.upcoming_workshops(
            organization=self.organization, user=self.request.user, include_past_days=14
        )

    @extend_schema(request=None, responses={200: WorkshopSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, *args, **kwargs):
        workshop = self.get_object()
        services.workshop_register(organization=self.organization, actor=request.user, workshop=workshop)
        return Response(WorkshopSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={200: WorkshopSerializer})
    @action(detail=True, methods=["post"])
    def unregister(self, request, *args, **kwargs):
        workshop = self.get_object()
        services.workshop_unregister(organization=self.organization, actor=request.user, workshop=workshop)
        return Response(WorkshopSerializer(self.get_object()).data)

    @extend_schema(responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY, description="iCalendar")})
    @action(detail=True, methods=["get"], url_path="calendar.ics")
    def ics(self, request, *args, **kwargs):
        workshop = self.get_object()
        slug = self.organization.slug

        def url_of(w):
            return settings.SITE_URL + reverse("policies_workshop", kwargs={"org_slug": slug, "workshop_id": w.pk})

        response = HttpResponse(calendar_bytes([workshop], url_of), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.pk}.ics"'
        return response


class CheckInViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Check-ins. Members see those open for them now; HR sees every one and its anonymous summary."""

    model = CheckIn
    serializer_class = CheckInSerializer
    lookup_url_kwarg = "checkin_id"
    required_actions = {
        "list": "policies.view",
        "retrieve": "policies.view",
        "answer": "policies.view",
        "summary": "policies.train",
    }

    def scoped_queryset(self):
        qs = CheckIn.objects.filter(organization=self.organization).order_by("-pk")
        if self.membership.may("policies.train"):
            return qs
        open_ids = [
            c.pk for c, _ in services.open_checkins_for_member(organization=self.organization, user=self.request.user)
        ]
        return qs.filter(pk__in=open_ids)

    @extend_schema(request=CheckInAnswerSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        checkin = selectors.get_checkin_for_org(self.organization, self.kwargs["checkin_id"])
        data = CheckInAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.checkin_answer(
            organization=self.organization, actor=request.user, checkin=checkin, answers=data.validated_data["answers"]
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            200: inline_serializer("CheckInSummary", {"rounds": serializers.ListField(child=serializers.DictField())})
        }
    )
    @action(detail=True, methods=["get"])
    def summary(self, request, *args, **kwargs):
        checkin = self.get_object()
        rounds = services.checkin_summary(organization=self.organization, checkin=checkin)
        return Response(
            {
                "rounds": [
                    {
                        "round_on": r.round_on,
                        "answers": r.answers,
                        "shown": r.shown,
                        "questions": r.questions if r.shown else [],
                    }
                    for r in rounds
                ]
            }
        )


class FeedbackRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """A policy's feedback rounds. Members answer (anonymous to HR); HR reads the summary (five answers or
    more)."""

    model = FeedbackRound
    serializer_class = FeedbackRoundSerializer
    lookup_url_kwarg = "round_id"
    required_actions = {
        "list": "policies.view",
        "retrieve": "policies.view",
        "answer": "policies.view",
        "summary": "policies.track",
    }

    def _policy(self):
        policy = selectors.get_policy_for_org(self.organization, self.kwargs["policy_id"])
        if policy.current_version_id is None and not self.membership.may("policies.author"):
            raise Http404
        return policy

    def scoped_queryset(self):
        return FeedbackRound.objects.filter(organization=self.organization, policy=self._policy()).order_by("-pk")

    @extend_schema(request=FeedbackAnswerInputSerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        feedback_round = self.get_object()
        data = FeedbackAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.feedback_answer_save(
            organization=self.organization,
            actor=request.user,
            feedback_round=feedback_round,
            rating=data.validated_data["rating"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response({"saved": True})

    @extend_schema(
        responses={
            200: inline_serializer(
                "FeedbackRoundSummary",
                {
                    "answers": serializers.IntegerField(),
                    "shown": serializers.BooleanField(),
                    "average": serializers.FloatField(allow_null=True),
                    "distribution": serializers.ListField(child=serializers.DictField()),
                    "comments": serializers.ListField(child=serializers.CharField()),
                },
            )
        }
    )
    @action(detail=True, methods=["get"])
    def summary(self, request, *args, **kwargs):
        summary = selectors.feedback_summary(organization=self.organization, feedback_round=self.get_object())
        return Response(summary_body(summary))


def summary_body(summary) -> dict:
    shown = summary.shown
    return {
        "answers": summary.count,
        "shown": shown,
        "average": summary.average if shown else None,
        "distribution": list(summary.distribution) if shown else [],
        "comments": list(summary.comments) if shown else [],
    }
