"""Every operation of the JSON API, fed what its OpenAPI document allows and what it does not (schemathesis), answers
without a server error. Bounded and derandomized, so a run is quick and the same inputs come back every time.

The schema is read from /api/openapi.json through the project's WSGI application, in process, and every request
goes the same way: the test's own database, no server to start.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from stores.services import api_key_create
from tests.factories import ProductFactory

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(store, owner) -> dict[str, str]:
    """The store's API key, for a store that has a product to plan content for."""
    ProductFactory(store=store, title="Merino Trail Sock")
    _key, raw = api_key_create(store=store, name="Schemathesis", created_by=owner)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def in_process_requests(db):
    """As Django's own test client does, the start and end of each request must not close the test's database
    connection (that would end the test's transaction)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_api_operation_answers_a_server_error(case, in_process_requests, bearer):
    # given any input the generator makes for this operation, valid or not
    # when it is sent with the store's API key
    response = case.call(headers=bearer)
    # then the answer is not a 5xx
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error])
