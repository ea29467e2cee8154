"""OpenAPI details: the Bearer token scheme, the one error format on every operation, tags named after
the resource rather than the `/o/{org_slug}/` prefix, and request and response shapes that say what the
endpoints do (client generators and schemathesis read them literally):

- a text field that may not be blank says so with a pattern (DRF trims it, so "   " is blank too), a list
  that may not be empty with minItems;
- a default is documented only where the server applies it: not in responses, not in PATCH bodies (a
  generated client would send it and overwrite the stored value).
"""

import sys

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

# At least one character that is not whitespace as Python's str.strip() sees it (DRF's blank check), spelled
# out so that every regular-expression dialect reads the class alike.
WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
NON_BLANK = f"[^{WHITESPACE}]"


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
    "415": "The request body is not JSON (send `Content-Type: application/json`).",
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

    def _takes_query(self) -> bool:
        """Query parameters that can be wrong: a list's filters and its page size, or a read's input serializer
        given as its parameters (`@extend_schema(parameters=[SomeInput])`, e.g. a dashboard's period)."""
        if self._list_filters() is not None:
            return True
        if self.method != "GET":
            return False
        return self._is_list_view() or any(is_serializer(p) for p in self.get_override_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        if self.method in WRITE_METHODS or self._takes_query():
            codes.insert(0, "400")
        if "{" in self.path:
            codes.append("404")
        if self.method in WRITE_METHODS and self.get_request_serializer() is not None:
            codes.append("415")
        for code in sorted(codes):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code, direction=direction
                )
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        fields = force_instance(serializer).fields
        for name, prop in schema.get("properties", {}).items():
            if direction == "response" or self.method == "PATCH":
                prop.pop("default", None)
            field = fields.get(name)
            if direction == "request" and _is_non_blank_text(field) and "format" not in prop:
                prop.setdefault("pattern", NON_BLANK)
            if direction == "request" and isinstance(field, serializers.ListField) and not field.allow_empty:
                prop.setdefault("minItems", 1)
        return schema


def _is_non_blank_text(field) -> bool:
    return (
        isinstance(field, serializers.CharField)
        and not field.read_only
        and not field.allow_blank
        and field.trim_whitespace
        and not isinstance(field, serializers.EmailField | serializers.URLField | serializers.RegexField)
    )


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
