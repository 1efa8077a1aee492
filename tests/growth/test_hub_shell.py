import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("tab", ["overview", "social", "ads", "analytics", "automation"])
def test_each_hub_tab_renders_the_whole_page_with_the_store_name(owner_client, store, tab):
    # given a signed-in owner
    url = "/hub/" if tab == "overview" else f"/hub/{tab}/"
    # when they open the tab
    response = owner_client.get(url)
    # then the whole page carries the layout and the store's name
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert "Northwind Outfitters" in body
    assert f'id="hub-tab-{tab}"' in body


@pytest.mark.parametrize("tab", ["overview", "social", "ads", "analytics", "automation"])
def test_htmx_asks_for_just_the_tab_fragment(owner_client, tab):
    url = "/hub/" if tab == "overview" else f"/hub/{tab}/"
    response = owner_client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.strip().startswith('<div id="hub-body">')
    assert f'id="hub-tab-{tab}"' in body


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/hub/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
