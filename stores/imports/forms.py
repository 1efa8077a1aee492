"""The upload form of the CSV import page."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from stores.imports.writer import MAX_FILE_BYTES
from stores.models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (ImportKind.PRODUCTS, "Products (Shopify: Products › Export)"),
            (ImportKind.ORDERS, "Orders (Shopify: Orders › Export)"),
        ],
        label="What the file holds",
    )
    file = forms.FileField(label="CSV file", max_length=255)

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; export fewer rows at a time."
            )
        return upload
