"""Analytics pages: thin, read the selectors, render."""

from django.http import HttpResponse
from django.shortcuts import render

from analytics.channels import CHANNEL_LABELS
from analytics.selectors import journey_for_order
from stores.permissions import MemberRequest, store_member_required


@store_member_required()
def order_journey(request: MemberRequest, store_slug: str, order_id: int) -> HttpResponse:
    """The journey of one order, as the fragment the order page loads (htmx); 404 for another store's order."""
    store = request.membership.store
    order, journey = journey_for_order(store=store, order_id=order_id)
    touches = list(journey.touches.all()) if journey is not None else []
    rows = [{"touch": touch, "channel_label": CHANNEL_LABELS.get(touch.channel, touch.channel)} for touch in touches]
    context = {"store": store, "order": order, "journey": journey, "rows": rows}
    return render(request, "analytics/_order_journey.html", context)
