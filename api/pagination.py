from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Stable pages however much data arrives between requests: follow `next`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"
