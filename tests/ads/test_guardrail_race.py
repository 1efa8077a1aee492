"""Two budget raises racing: each would fit the cap alone, together they would not. One wins, one is refused.

Needs PostgreSQL (real row locks, two connections at once); on SQLite writers serialise on the database lock and
the same code path is covered by the single-thread refusal tests.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection as default_connection
from django.db import connections

from ads.models import AdCampaign, CampaignStatus
from ads.services import campaign_change_budget, committed_daily_budget
from stores.actors import SYSTEM
from stores.exceptions import ApplicationError
from tests.platform_fixtures import connect_store

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL row locks and two concurrent connections (DATABASE_URL=postgres://...)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_budget_raises_that_together_pass_the_cap_one_succeeds_one_is_refused(
    store, ad_settings, creative
):
    # given a cap of 200.00 and two active campaigns of 50.00 each (100.00 committed)
    ad_settings.daily_spend_cap_minor = 20_000
    ad_settings.save()
    connection = connect_store(store, "meta_ads", ad_account_id="act_1000001")
    campaigns = [
        AdCampaign.objects.create(
            store=store,
            platform="meta_ads",
            connection=connection,
            name=f"Race {n}",
            status=CampaignStatus.ACTIVE,
            daily_budget_minor=5000,
            currency="USD",
            creative=creative,
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def raise_budget(index: int) -> None:
        try:
            barrier.wait()
            # each raise to 120.00 fits alone (120 + 50 = 170) but not together (240)
            campaign_change_budget(campaign=campaigns[index], daily_budget_minor=12_000, actor=SYSTEM)
            outcomes[index] = "ok"
        except ApplicationError as refusal:
            outcomes[index] = refusal.code
        finally:
            connections.close_all()

    # when both raises run at once, each on its own database connection
    threads = [threading.Thread(target=raise_budget, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one succeeded and the other was refused by the cap
    assert sorted(outcomes.values()) == ["ok", "spend_cap_exceeded"]
    assert committed_daily_budget(store=store) == 17_000
    budgets = sorted(AdCampaign.objects.values_list("daily_budget_minor", flat=True))
    assert budgets == [5000, 12_000]
    assert default_connection.vendor == "postgresql"
