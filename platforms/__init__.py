"""The integration layer: one package per platform API. No Django models here."""
