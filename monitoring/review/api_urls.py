from django.urls import path

from .api import AppealViewSet, DecisionViewSet, ItemViewSet, ReportViewSet

urlpatterns = [
    path("items/", ItemViewSet.as_view({"get": "list"}), name="review-api-item-list"),
    path("items/<int:item_id>/", ItemViewSet.as_view({"get": "retrieve"}), name="review-api-item-detail"),
    path("items/<int:item_id>/claim/", ItemViewSet.as_view({"post": "claim"}), name="review-api-item-claim"),
    path("items/<int:item_id>/decide/", ItemViewSet.as_view({"post": "decide"}), name="review-api-item-decide"),
    path("decisions/", DecisionViewSet.as_view({"get": "list"}), name="review-api-decision-list"),
    path(
        "decisions/<int:decision_id>/", DecisionViewSet.as_view({"get": "retrieve"}), name="review-api-decision-detail"
    ),
    path("reports/", ReportViewSet.as_view({"get": "list", "post": "create"}), name="review-api-report-list"),
    path("appeals/", AppealViewSet.as_view({"get": "list", "post": "create"}), name="review-api-appeal-list"),
    path("appeals/<int:appeal_id>/decide/", AppealViewSet.as_view({"post": "decide"}), name="review-api-appeal-decide"),
]
