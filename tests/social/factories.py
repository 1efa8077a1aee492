"""factory_boy factories of the social app."""

import factory

from social.models import ContentCalendar, PostStatus, SocialPost
from tests.factories import ProductFactory, StoreFactory


class SocialPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialPost

    store = factory.SubFactory(StoreFactory)
    platform = "x"
    caption = factory.Sequence(lambda n: f"Meet the Merino Trail Sock, take {n}.")
    media_urls = factory.LazyFunction(lambda: ["http://127.0.0.1:9/media/sock-1200x675.jpg"])
    status = PostStatus.DRAFT


class ContentCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentCalendar

    store = factory.SubFactory(StoreFactory)
    product = factory.SubFactory(ProductFactory, store=factory.SelfAttribute("..store"))
    name = "Launch week"
    utm_campaign = "launch-week"
    start_date = factory.LazyFunction(lambda: __import__("datetime").date(2026, 12, 1))
    days = 7
    posts_per_day = 1
    platforms = factory.LazyFunction(lambda: ["x"])
