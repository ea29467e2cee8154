from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(use_regex_path=False)
router.register("items", api.ContentViewSet, basename="api-content")
router.register("shares", api.ShareViewSet, basename="api-content-share")
router.register("hashtags", api.HashtagViewSet, basename="api-content-hashtag")
router.register("campaigns", api.CampaignViewSet, basename="api-content-campaign")
router.register("revisions", api.RevisionViewSet, basename="api-content-revision")

urlpatterns = router.urls
