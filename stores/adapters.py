"""allauth hooks: a new sign-up gets a store of its own, with the user as owner."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest

from stores.services import store_create_with_owner


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

    store_name = forms.CharField(max_length=120, label="Store name")

    def signup(self, request: HttpRequest, user) -> None:  # noqa: ANN001 - allauth's hook signature
        store_create_with_owner(owner=user, name=self.cleaned_data["store_name"])


class StoreAccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return "/hub/"
