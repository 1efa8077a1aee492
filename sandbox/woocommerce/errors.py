"""WooCommerce's error answer: the WordPress REST error ``{"code", "message", "data": {"status"}}``."""

from django.http import JsonResponse


class WooError(Exception):
    """A refusal in WooCommerce's own terms: its error code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def response(self) -> JsonResponse:
        return JsonResponse(
            {"code": self.code, "message": self.message, "data": {"status": self.status}}, status=self.status
        )


def invalid_param(name: str, reason: str) -> WooError:
    """WordPress's answer to a query or body parameter that fails its schema."""
    return WooError("rest_invalid_param", f"Invalid parameter(s): {name} ({reason})", 400)


def invalid_id(resource: str) -> WooError:
    """``woocommerce_rest_shop_order_invalid_id`` and the like: no such object at this site."""
    return WooError(f"woocommerce_rest_{resource}_invalid_id", "Invalid ID.", 404)
