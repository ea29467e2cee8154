"""/api/v1/o/<slug>/content/: list, search and read content, hashtags and campaigns; share and get
the tracked link; suggest; curators create, publish and approve. Role checks from the permission map."""

from django.utils.html import format_html, format_html_join
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from advocacy.api.base import OrganizationViewSet

from . import selectors, services
from . import serializers as s
from .models import Campaign, ContentItem, ContentRevision, Hashtag, Share

SEARCH_RESULTS = 50  # a search answers its best results on one page


def _refusal(exc: services.ShareRefused):
    body = {"error": {"code": "share_refused", "message": exc.messages[0], "details": {"url": exc.url}}}
    return Response(body, status=status.HTTP_403_FORBIDDEN)


@extend_schema_view(
    list=extend_schema(
        summary="The content feed (published items for your team); `q` searches, ranked, with highlights"
    ),
    retrieve=extend_schema(summary="A content item"),
    create=extend_schema(summary="Create a content item (draft)", request=s.ContentInputSerializer),
)
class ContentViewSet(OrganizationViewSet):
    model = ContentItem
    serializer_class = s.ContentSerializer
    lookup_url_kwarg = "content_id"
    filter_serializer_class = s.ContentFilterSerializer
    required_actions = {
        "list": "content.view",
        "retrieve": "content.view",
        "create": "content.manage",
        "publish": "content.manage",
        "share": "content.share",
    }

    def scoped_queryset(self):
        return selectors.content_list(
            organization=self.organization,
            membership=self.membership,
            every_item=self.membership.may("content.manage") and self.action != "list",
        )

    def list(self, request, *args, **kwargs):
        f = self.list_filters()
        org = self.organization
        topic = selectors.get_topic_for_org(org, f["topic"]) if f.get("topic") else None
        hashtag = selectors.get_hashtag_for_org(org, f["hashtag"]) if f.get("hashtag") else None
        campaign = selectors.get_campaign_for_org(org, f["campaign"]) if f.get("campaign") else None
        q = (f.get("q") or "").strip()
        qs = selectors.feed_for_api(
            organization=org, membership=self.membership, q=q, topic=topic, hashtag=hashtag, campaign=campaign
        )
        if q:
            items = list(qs[:SEARCH_RESULTS])
            for item in items:
                item.title_highlighted = _marked(item.title_hl)
                item.summary_highlighted = _marked(item.summary_hl)
            return Response(
                {"next": None, "previous": None, "results": s.SearchResultSerializer(items, many=True).data}
            )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        data = s.ContentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.content_create(organization=self.organization, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Publish an item", request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        item = services.content_publish(organization=self.organization, actor=request.user, content=self.get_object())
        return Response(self.get_serializer(item).data)

    @extend_schema(
        summary="Start a share: returns the tracked link and the network's share page (confirm it after posting)",
        request=s.ShareInputSerializer,
        responses={201: s.ShareSerializer},
    )
    @action(detail=True, methods=["post"])
    def share(self, request, *args, **kwargs):
        item = self.get_object()
        data = s.ShareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            share = services.share_prepare(
                organization=self.organization, actor=request.user, content=item, **data.validated_data
            )
        except services.ShareRefused as exc:
            return _refusal(exc)
        pref = selectors.preference_for(self.organization, request.user)
        out = s.ShareSerializer(share, context={"mastodon_instance": pref.mastodon_instance})
        return Response(out.data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Your shares"), retrieve=extend_schema(summary="One of your shares"))
class ShareViewSet(OrganizationViewSet):
    model = Share
    serializer_class = s.ShareSerializer
    lookup_url_kwarg = "share_id"
    required_actions = {"list": "content.share", "retrieve": "content.share", "confirm": "content.share"}

    def scoped_queryset(self):
        return selectors.share_list(organization=self.organization, user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Confirm you posted it (idempotent)", request=None)
    @action(detail=True, methods=["post"])
    def confirm(self, request, *args, **kwargs):
        try:
            share = services.share_confirm(organization=self.organization, actor=request.user, share=self.get_object())
        except services.ShareRefused as exc:
            return _refusal(exc)
        return Response(self.get_serializer(share).data)


@extend_schema_view(list=extend_schema(summary="Hashtags"), retrieve=extend_schema(summary="A hashtag"))
class HashtagViewSet(OrganizationViewSet):
    model = Hashtag
    serializer_class = s.HashtagSerializer
    lookup_url_kwarg = "hashtag_id"
    cursor_ordering = "key"
    required_actions = {"list": "content.view", "retrieve": "content.view"}

    def scoped_queryset(self):
        return selectors.hashtag_list(organization=self.organization)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(list=extend_schema(summary="Campaigns"), retrieve=extend_schema(summary="A campaign"))
class CampaignViewSet(OrganizationViewSet):
    model = Campaign
    serializer_class = s.CampaignSerializer
    lookup_url_kwarg = "campaign_id"
    required_actions = {"list": "content.view", "retrieve": "content.view"}

    def scoped_queryset(self):
        return selectors.campaign_list(
            organization=self.organization,
            include_drafts=self.membership.may("content.manage"),
            with_item_count=False,
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="Suggestions and revisions awaiting approval"),
    create=extend_schema(summary="Suggest content", request=s.SuggestionInputSerializer),
)
class RevisionViewSet(OrganizationViewSet):
    model = ContentRevision
    serializer_class = s.RevisionSerializer
    lookup_url_kwarg = "revision_id"
    required_actions = {
        "list": "content.approve",
        "create": "content.suggest",
        "approve": "content.approve",
        "reject": "content.approve",
    }

    def scoped_queryset(self):
        pending = ContentRevision.Status.PENDING if self.action == "list" else ""
        return selectors.revision_list(organization=self.organization, status=pending)

    def _reviewer(self):
        if not services.may_approve(self.organization, self.membership):
            raise PermissionDenied("Your role does not allow approving content.")

    def list(self, request, *args, **kwargs):
        self._reviewer()
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        data = s.SuggestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.suggestion_create(organization=self.organization, actor=request.user, **data.validated_data)
        revision = selectors.suggestion_revision(organization=self.organization, content=item)
        return Response(self.get_serializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve (someone other than the author)", request=None, responses={200: s.ContentSerializer}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        revision = self.get_object()
        self._reviewer()
        item = services.revision_approve(organization=self.organization, actor=request.user, revision=revision)
        return Response(s.ContentSerializer(item).data)

    @extend_schema(summary="Reject with a reason the author sees", request=s.RejectInputSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        revision = self.get_object()
        self._reviewer()
        data = s.RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revision = services.revision_reject(
            organization=self.organization, actor=request.user, revision=revision, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(revision).data)


__all__ = ["ContentViewSet", "ShareViewSet", "HashtagViewSet", "CampaignViewSet", "RevisionViewSet"]


def _marked(text) -> str:
    """The API's highlight format: the text escaped, matches in <mark>."""
    return format_html_join(
        "", "{}", ((format_html("<mark>{}</mark>", t) if m else t,) for t, m in selectors.highlight_parts(text))
    )
