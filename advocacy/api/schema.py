"""OpenAPI details: the Bearer token scheme, the one error format on every operation, and tags named
after the resource rather than the `/o/{org_slug}/` prefix."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: validation_error, not_found, permission_denied, ...")
    message = serializers.CharField(help_text="A sentence a person can read.")
    details = serializers.DictField(
        child=serializers.JSONField(), help_text="Per-field messages for validation errors; empty otherwise."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERRORS = {
    "400": "The input was not valid; `details` names the fields.",
    "401": "No credentials, or an invalid, expired or revoked API token.",
    "403": "Your role in this organization does not allow this.",
    "404": "No such object in this organization (or no such organization for you).",
    "405": "The method is not allowed on this endpoint.",
    "429": "Too many requests; retry after the number of seconds in `Retry-After`.",
}
WRITE_METHODS = {"POST", "PUT", "PATCH"}


STANDARD_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "destroy"}


class AutoSchema(BaseAutoSchema):
    def _resource_tokens(self) -> list[str]:
        """Path words without the /o/{org_slug}/ prefix: ["members", "deactivate"]."""
        tokens = [t.replace("-", "_") for t in self._tokenize_path()]
        if tokens[:1] == ["o"]:
            tokens = tokens[1:] or ["organization"]
        return tokens

    def get_tags(self):
        return self._resource_tokens()[:1]

    def get_operation_id(self):
        tokens = self._resource_tokens()
        action = getattr(self.view, "action", None)
        if action and action not in STANDARD_ACTIONS:
            return "_".join(tokens)  # members_deactivate
        if self.method == "GET" and self._is_list_view():
            return "_".join([*tokens, "list"])
        return "_".join([*tokens, self.method_mapping[self.method.lower()]])

    def _list_filters(self):
        if getattr(self.view, "action", None) == "list":
            return getattr(self.view, "filter_serializer_class", None)
        return None

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        filters = self._list_filters()
        return [*parameters, filters] if filters is not None else parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        if self.method in WRITE_METHODS or self._list_filters() is not None:
            codes.insert(0, "400")
        if "{" in self.path:
            codes.append("404")
        for code in sorted(codes):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code, direction=direction
                )
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "advocacy.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your account settings: `Authorization: Bearer adv_...`. "
            "A token works only in the organization it was created for.",
        }
