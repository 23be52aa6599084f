import re

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from .errors import invalid

# DRF's cursors are base64 text (standard alphabet, padded).
CURSOR_PATTERN = r"^[A-Za-z0-9+/]*={0,2}$"


class Cursor(CursorPagination):
    """Stable pages however much data arrives between requests: follow `next`.

    The cursor is opaque: a value we did not hand out is a 404 (the page it names does not
    exist), as in DRF; a page size outside 1-200 is a 400, never quietly replaced.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise invalid(self.page_size_query_param, f"Enter a whole number from 1 to {self.max_page_size}.")
        return int(raw)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:  # empty: the first page, like no cursor at all
            return None
        if not re.fullmatch(CURSOR_PATTERN, encoded):
            raise NotFound(self.invalid_cursor_message)
        return super().decode_cursor(request)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "allowEmptyValue": True,
                "description": "Opaque: the value from a previous answer's `next` or `previous` link. "
                "A cursor we did not hand out answers 404.",
                "schema": {"type": "string", "pattern": CURSOR_PATTERN},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "allowEmptyValue": True,
                "description": f"Results per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
