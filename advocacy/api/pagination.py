from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination as BaseCursorPagination


class CursorPagination(BaseCursorPagination):
    """Cursor pagination: stable pages at any depth, no COUNT(*). A view may set `cursor_ordering`
    (a field that does not change, ideally unique) instead of the default newest-first.

    `page_size` is checked, not guessed: anything but a whole number from 1 to `max_page_size` is a 400
    (DRF would quietly fall back to the default page size)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        value = int(raw) if raw.isascii() and raw.isdigit() else 0
        if not 1 <= value <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [self._page_size_message()]})
        return value

    def _page_size_message(self) -> str:
        return f"Enter a whole number from 1 to {self.max_page_size}."

    def get_paginated_response_schema(self, schema):
        """Both links are always there, null at either end (OpenAPI 3.1 types: DRF's own says `nullable`)."""
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {**link, "description": "The previous page, or null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size, "default": self.page_size})
        return parameters
