import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' if there is none (password from ADMIN_PASSWORD, else generated and printed once)."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        try:  # a weak ADMIN_PASSWORD is refused like any other weak password
            validate_password(password, User(username="admin", email="admin@localhost"))
        except ValidationError as error:
            raise CommandError(f"ADMIN_PASSWORD refused: {' '.join(error.messages)}") from None
        User.objects.create_superuser("admin", "admin@localhost", password)
        shown = "(from ADMIN_PASSWORD)" if os.environ.get("ADMIN_PASSWORD") else password
        self.stdout.write(f"Created admin account: user 'admin', password {shown} — shown only this once.")
