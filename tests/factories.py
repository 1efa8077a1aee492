"""factory_boy factories for tenancy and commerce; each app's tests add theirs beside its tests."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from stores.hooks import store_created
from stores.models import Customer, Membership, Order, OrderLine, Product, Role, Store


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified_email(obj, create: bool, extracted: bool | None, **kwargs) -> None:
        """The address is verified, as sign-in requires (mandatory verification); ``verified_email=False`` for one
        that is not."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Store {n}")
    slug = factory.Sequence(lambda n: f"store-{n}")
    currency = "USD"
    timezone = "America/New_York"

    @factory.post_generation
    def created(obj, create: bool, extracted: object, **kwargs) -> None:
        """What creating a store runs after its row, as ``stores.services.store_create`` does: the store_created
        hook (ads creates the store's ad settings)."""
        if create:
            store_created(store=obj)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)
    role = Role.OWNER


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    store = factory.SubFactory(StoreFactory)
    external_id = factory.Sequence(lambda n: f"P{n:05d}")
    title = factory.Sequence(lambda n: f"Merino Trail Sock {n}")
    description = "Soft merino wool socks for long trail days."
    price_minor = 2400
    unit_cost_minor = 900
    currency = "USD"
    url = factory.LazyAttribute(lambda o: f"https://shop.example.com/products/{o.external_id.lower()}")
    image_url = factory.LazyAttribute(lambda o: f"https://shop.example.com/images/{o.external_id.lower()}.jpg")
    tags = factory.LazyFunction(lambda: ["merino", "hiking"])
    category = "Apparel"
    inventory_quantity = 120


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    store = factory.SubFactory(StoreFactory)
    external_id = factory.Sequence(lambda n: f"C{n:06d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.net")
    created_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC))


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    store = factory.SubFactory(StoreFactory)
    external_id = factory.Sequence(lambda n: f"{1000 + n}")
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    total_minor = 4800
    currency = "USD"
    created_at = factory.LazyFunction(lambda: dt.datetime(2026, 2, 1, 15, 30, tzinfo=dt.UTC))


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    store = factory.SelfAttribute("order.store")
    product = factory.SubFactory(ProductFactory, store=factory.SelfAttribute("..order.store"))
    title = factory.SelfAttribute("product.title")
    quantity = 2
    unit_price_minor = 2400
