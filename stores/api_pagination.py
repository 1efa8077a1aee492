"""The page-number pagination every JSON API list uses: `?page=` is bounded, so no page number can overflow the
database's OFFSET (a page past the last one is simply empty), and a page out of range is a 422 naming the limit."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# 10,000 pages of at most MAX_PAGE_SIZE rows: an offset of at most a million, far past any store's list.
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class BoundedPageNumberPagination(PageNumberPagination):
    """``@paginate(BoundedPageNumberPagination)``: ``{"items": [...], "count": N}``, 50 a page by default."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"1 to {MAX_PAGE}")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description=f"1 to {MAX_PAGE_SIZE}")

    def __init__(self, page_size: int = DEFAULT_PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)
