"""Signing up, in and out with allauth: email only, a store for every newcomer, limits on guessing, and TOTP."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from stores.models import Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)


def assert_strict_csp_page(response) -> str:
    """The page needs nothing inline, and the policy that forbids it is on the response."""
    body = response.content.decode()
    assert INLINE_SCRIPT.findall(body) == []
    assert INLINE_STYLE.findall(body) == []
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    return body


def _totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def test_the_login_page_is_growth_hubs_sign_in_form(client):
    response = client.get("/accounts/login/")
    body = assert_strict_csp_page(response)
    assert response.status_code == 200
    assert "<title>Sign in</title>" in body
    assert "<h1>Sign in to Growth Hub</h1>" in body
    assert '<input type="email" name="login"' in body
    assert '<input type="password" name="password"' in body
    assert 'name="username"' not in body


def test_the_signup_page_asks_for_email_password_twice_and_store_name(client):
    body = assert_strict_csp_page(client.get("/accounts/signup/"))
    fields = re.findall(r'<input type="(?!hidden)[a-z]+" name="([a-z_0-9]+)"', body)
    assert fields == ["email", "password1", "password2", "store_name"]


SIGNUP = {"password1": PASSWORD, "password2": PASSWORD, "store_name": "Maya's Makers"}
CSRF_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _confirmation_link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_signing_up_creates_a_store_owned_by_the_newcomer_who_confirms_the_email_and_reaches_the_hub(client):
    # given a visitor on the sign-up page
    # when they sign up with an email, a password and a store name
    response = client.post("/accounts/signup/", {"email": "Maya@Example.com", **SIGNUP})
    # then they own a new store, and are asked to confirm their address before the hub opens
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "Check your email" in assert_strict_csp_page(client.get(response["Location"]))
    user = get_user_model().objects.get(email__iexact="maya@example.com")
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.store.name, membership.store.slug) == (
        Role.OWNER,
        "Maya's Makers",
        "mayas-makers",
    )
    assert client.get("/hub/").status_code == 302
    assert EmailAddress.objects.get(user=user).verified is False
    # and when they follow the link in the e-mail and confirm
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maya@example.com"]
    link = _confirmation_link(mail.outbox[0])
    assert "Confirm your email" in assert_strict_csp_page(client.get(link))
    confirmed = client.post(link)
    # then the address is verified and they land in their store's hub, signed in
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/hub/"
    assert EmailAddress.objects.get(user=user).verified is True
    hub = client.get("/hub/")
    assert hub.status_code == 200
    assert "Maya&#x27;s Makers" in hub.content.decode()


def test_the_check_your_email_page_says_where_printed_emails_are(client, settings):
    # given the demo's console e-mail backend
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    # when a newcomer has signed up
    response = client.post("/accounts/signup/", {"email": "maya@example.com", **SIGNUP}, follow=True)
    # then the page tells them the e-mail is in the web server's log
    assert "<code>var/log/web.log</code>" in response.content.decode()


def _signup_as_seen_by_a_visitor(client, email: str) -> tuple[int, str, str]:
    response = client.post("/accounts/signup/", {"email": email, **SIGNUP})
    page = client.get(response["Location"]).content.decode()
    # The page echoes the address the visitor typed, and every page carries its own CSRF token.
    return response.status_code, response["Location"], CSRF_TOKEN.sub("<csrf>", page.replace(email.lower(), "<email>"))


def test_signing_up_with_a_registered_email_looks_the_same_and_leaves_the_account_alone(client, owner):
    # given an account for owner@northwind.test, and what a sign-up with a new address looks like
    password_before = owner.password
    new_address = _signup_as_seen_by_a_visitor(Client(), "newcomer@example.com")
    users_before = get_user_model().objects.count()
    stores_before = Membership.objects.count()
    mail.outbox.clear()
    # when someone signs up with the registered address
    taken_address = _signup_as_seen_by_a_visitor(client, "Owner@Northwind.test")
    # then they see exactly what a newcomer sees
    assert taken_address == new_address
    # and no account or store was made, the existing account is unchanged, and its owner is told by e-mail
    assert get_user_model().objects.count() == users_before
    assert Membership.objects.count() == stores_before
    owner.refresh_from_db()
    assert owner.password == password_before
    assert list(EmailAddress.objects.filter(user=owner).values_list("email", "verified", "primary")) == [
        ("owner@northwind.test", True, True)
    ]
    assert [message.to for message in mail.outbox] == [["owner@northwind.test"]]
    assert "an account using that email address already exists" in mail.outbox[0].body
    assert client.get("/hub/").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"email": "new@example.com", "store_name": "  "}, "This field is required.", id="no store name"),
        pytest.param(
            {"email": "new@example.com", "store_name": "Shop", "password2": "something-else-entirely"},
            "You must type the same password each time.",
            id="passwords that differ",
        ),
    ],
)
def test_a_signup_that_cannot_go_through_creates_nothing(client, data, message):
    # given a visitor
    users_before = get_user_model().objects.count()
    # when the form is sent with a problem
    response = client.post("/accounts/signup/", {"password1": PASSWORD, "password2": PASSWORD, **data})
    # then it says what is wrong, and no user or store was made
    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_user_model().objects.count() == users_before
    assert Membership.objects.count() == 0


def test_signing_in_with_email_and_password_reaches_the_hub(client, owner):
    response = client.post("/accounts/login/", {"login": "owner@northwind.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/hub/"
    assert client.get("/hub/").status_code == 200


def test_an_account_whose_email_is_not_verified_is_asked_to_confirm_it_at_sign_in(client, store):
    # given a member whose address was never confirmed
    user = UserFactory(email="late@northwind.test", verified_email=False)
    Membership.objects.create(store=store, user=user, role=Role.MARKETER)
    # when they sign in with the right password
    response = client.post("/accounts/login/", {"login": "late@northwind.test", "password": PASSWORD})
    # then a confirmation link is sent and the hub stays closed until they follow it
    assert response["Location"] == "/accounts/confirm-email/"
    assert [message.to for message in mail.outbox] == [["late@northwind.test"]]
    assert client.get("/hub/").status_code == 302


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, owner):
    # given someone guessing the owner's password
    for _ in range(5):
        wrong = client.post("/accounts/login/", {"login": "owner@northwind.test", "password": "guess"})
        assert "The email address and/or password you specified are not correct." in wrong.content.decode()
    # when they then try the right one
    response = client.post("/accounts/login/", {"login": "owner@northwind.test", "password": PASSWORD})
    # then they are still refused and not signed in
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert client.get("/hub/").status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(owner_client):
    page = owner_client.get("/accounts/logout/")
    assert "Sign out of Growth Hub?" in assert_strict_csp_page(page)
    response = owner_client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert owner_client.get("/hub/").status_code == 302


def test_a_password_reset_sets_a_new_password(client, owner):
    # given the owner (whose address is verified) forgot their password
    assert "Reset your password" in assert_strict_csp_page(client.get("/accounts/password/reset/"))
    # when they ask for a reset and follow the emailed link
    sent = client.post("/accounts/password/reset/", {"email": "owner@northwind.test"})
    assert sent["Location"] == "/accounts/password/reset/done/"
    assert "Check your email" in client.get(sent["Location"]).content.decode()
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in assert_strict_csp_page(form_page)
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )
    # then the new password works
    assert done["Location"] == "/accounts/password/reset/key/done/"
    assert "Your password is changed" in client.get(done["Location"]).content.decode()
    owner.refresh_from_db()
    assert owner.check_password("a-brand-new-passphrase")


def test_a_used_or_forged_reset_link_says_so(client, owner):
    response = client.get("/accounts/password/reset/key/1-forged-token/", follow=True)
    assert "This link no longer works" in response.content.decode()


def test_totp_can_be_turned_on_from_security_and_is_then_asked_at_sign_in(client, owner):
    # given a signed-in owner with a verified email
    client.post("/accounts/login/", {"login": "owner@northwind.test", "password": PASSWORD})
    hub = client.get("/hub/").content.decode()
    assert '<a href="/accounts/2fa/">Security</a>' in hub
    security = client.get("/accounts/2fa/")
    assert "Authenticator App" in assert_strict_csp_page(security)
    # when they open the authenticator page, confirm their password, scan the QR code and enter the app's code
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    assert_strict_csp_page(client.get(asked["Location"]))
    confirmed = client.post(asked["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get("/accounts/2fa/totp/activate/")
    body = assert_strict_csp_page(page)
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code', body)
    secret = re.search(r'<code id="authenticator_secret">([A-Z2-7]+)</code>', body).group(1)
    activated = client.post("/accounts/2fa/totp/activate/", {"code": _totp_code(secret)})
    # then TOTP is on, and the next sign-in asks for a code before the hub opens
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).count() == 1
    client.post("/accounts/logout/")
    step = client.post("/accounts/login/", {"login": "owner@northwind.test", "password": PASSWORD})
    assert step["Location"] == "/accounts/2fa/authenticate/"
    prompt = client.get("/accounts/2fa/authenticate/")
    assert "Enter your authenticator code" in assert_strict_csp_page(prompt)
    assert client.get("/hub/").status_code == 302
    wrong = client.post(
        "/accounts/2fa/authenticate/", {"code": "000000" if _totp_code(secret) != "000000" else "111111"}
    )
    assert "Incorrect code." in wrong.content.decode()
    signed_in = client.post("/accounts/2fa/authenticate/", {"code": _totp_code(secret)})
    assert signed_in["Location"] == "/hub/"
    assert client.get("/hub/").status_code == 200


@pytest.mark.parametrize(
    ("accept", "content_type", "text"),
    [
        pytest.param("text/html", "text/html; charset=utf-8", "Too many requests. Try again in a minute.", id="a page"),
        pytest.param("application/json", "application/json", '"code": "rate_limited"', id="a JSON client"),
    ],
)
def test_too_many_sign_in_attempts_from_one_address_get_a_429(client, owner, settings, accept, content_type, text):
    # given a tight limit on sign-in attempts per address
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    data = {"login": "owner@northwind.test", "password": "guess"}
    for _ in range(2):
        client.post("/accounts/login/", data)
    # when the address tries once more
    response = client.post("/accounts/login/", data, headers={"Accept": accept})
    # then it is told to slow down
    assert response.status_code == 429
    assert response["Content-Type"] == content_type
    assert text in response.content.decode()
