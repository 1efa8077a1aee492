import zoneinfo

from django import forms


class StoreForm(forms.Form):
    name = forms.CharField(max_length=120)
    currency = forms.CharField(max_length=3, initial="USD")
    timezone = forms.ChoiceField(choices=[(z, z) for z in sorted(zoneinfo.available_timezones())], initial="UTC")
    storefront_domain = forms.CharField(max_length=253, required=False)
