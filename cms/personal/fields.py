"""Personal data at rest: model fields that store Fernet ciphertext and give back plain text."""

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cms.personal.keys import fernet


class EncryptedTextField(models.TextField):
    """Text encrypted with the personal-data key; cannot be searched or filtered (use a keyed hash)."""

    description = "encrypted text"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            raise ImproperlyConfigured(
                f"{self.model.__name__}.{self.name} cannot be decrypted: PERSONAL_DATA_KEY is not the key "
                "it was written with"
            ) from None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return fernet().encrypt(value.encode()).decode()

    def get_lookup(self, lookup_name):
        # Ciphertexts differ on every write, so only "is it set?" can be asked of the database.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
