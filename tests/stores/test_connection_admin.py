"""Django admin of connections: the status is read-only, and staff change it only through actions that call the
connection services, each change an event by the staff member labelled "admin"."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from platforms.constants import X
from social.models import PostStatus
from stores.actors import ActorKind
from stores.models import ConnectionEventKind, ConnectionStatus, PlatformConnection
from tests.factories import UserFactory
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/stores/platformconnection/"


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@growthhub.test", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def unreachable(settings):
    """Every platform call fails fast: nothing listens where the sandbox should be."""
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    settings.PLATFORM_HTTP_CONNECT_TIMEOUT = 0.2


def act(client: Client, action: str, *connections: PlatformConnection):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in connections], "index": 0},
        follow=True,
    )


def staff_events(connection: PlatformConnection, staff) -> list[tuple[str, str]]:
    return list(
        connection.events.filter(actor_kind=ActorKind.USER, actor_user=staff, actor_label="admin")
        .order_by("id")
        .values_list("kind", "reason")
    )


def test_the_status_is_read_only_on_the_change_form(staff_client, store):
    # given an active connection
    connection = connect_store(store, X)

    # when staff open its change page
    page = staff_client.get(f"{CHANGELIST}{connection.pk}/change/")

    # then the status is shown, not offered as a field
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields
    assert 'name="status"' not in page.content.decode()


def test_posting_a_status_on_the_change_form_changes_nothing(staff_client, store):
    # given an active connection
    connection = connect_store(store, X)

    # when staff post the change form with another status
    response = staff_client.post(
        f"{CHANGELIST}{connection.pk}/change/",
        {
            "store": store.pk,
            "platform": X,
            "external_account_id": connection.external_account_id,
            "status": ConnectionStatus.REVOKED,
            "scopes": "[]",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    # then the form is saved, yet the status stays as it was and no event is written
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.events.count() == 0


def test_mark_expired_goes_through_the_service_and_holds_what_depends_on_it(
    staff_client, staff, store, owner, mailoutbox, django_capture_on_commit_callbacks
):
    # given an active X connection with a post scheduled for tomorrow
    connection = connect_store(store, X)
    post = SocialPostFactory(
        store=store,
        platform=X,
        connection=connection,
        status=PostStatus.SCHEDULED,
        scheduled_at=timezone.now() + dt.timedelta(days=1),
    )

    # when staff mark it expired
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "mark_expired", connection)

    # then it is expired with an event by the staff member, the post is held, the owner told
    assert response.status_code == 200
    connection.refresh_from_db()
    post.refresh_from_db()
    reason = "Marked expired by Growth Hub staff; reconnect it to go on."
    assert (connection.status, connection.last_error) == (ConnectionStatus.EXPIRED, reason)
    assert staff_events(connection, staff) == [(ConnectionEventKind.EXPIRED, reason)]
    assert (post.status, post.hold_reason) == (PostStatus.HELD, reason)
    assert [m.to for m in mailoutbox] == [["owner@northwind.test"]]
    assert f"{connection}: marked expired." in response.content.decode()


def test_mark_expired_leaves_a_connection_that_is_not_active_alone(staff_client, store):
    # given a connection that is already expired
    connection = connect_store(store, X)
    PlatformConnection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.EXPIRED)

    # when staff mark it expired
    response = act(staff_client, "mark_expired", connection)

    # then nothing changes and staff are told so
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.EXPIRED
    assert connection.events.count() == 0
    assert "not changed (it is expired)" in response.content.decode()


def test_disconnect_goes_through_the_service_and_wipes_the_tokens(staff_client, staff, store, unreachable):
    # given an active X connection and a platform that cannot be reached
    connection = connect_store(store, X)

    # when staff disconnect it
    act(staff_client, "disconnect", connection)

    # then it is revoked with its tokens gone, the unconfirmed revoke and the disconnect by the staff member
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REVOKED
    assert (connection.access_token_encrypted, connection.refresh_token_encrypted) == ("", "")
    assert [kind for kind, _ in staff_events(connection, staff)] == [
        ConnectionEventKind.REVOKE_FAILED,
        ConnectionEventKind.DISCONNECTED,
    ]
    assert staff_events(connection, staff)[-1][1] == "Disconnected by staff@growthhub.test."


def test_refresh_now_records_the_failed_renewal_by_the_staff_member(staff_client, staff, store, unreachable):
    # given an active Pinterest connection (renewable) and a platform that cannot be reached
    connection = connect_store(store, "pinterest")

    # when staff renew it now
    response = act(staff_client, "refresh_now", connection)

    # then it stays active, the failed renewal is recorded by the staff member and staff see the error
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert [kind for kind, _ in staff_events(connection, staff)] == [ConnectionEventKind.REFRESH_FAILED]
    assert connection.last_error != ""
    assert f"{connection}: " in response.content.decode()


def test_refresh_now_skips_a_disconnected_connection(staff_client, store):
    # given a revoked connection
    connection = connect_store(store, X)
    PlatformConnection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.REVOKED)

    # when staff renew it now
    response = act(staff_client, "refresh_now", connection)

    # then nothing is called or recorded
    assert PlatformConnection.objects.get(pk=connection.pk).status == ConnectionStatus.REVOKED
    assert connection.events.count() == 0
    assert "not changed (it is revoked)" in response.content.decode()
