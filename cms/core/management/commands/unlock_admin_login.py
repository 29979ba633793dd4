"""Lift an admin login lock (cms/core/admin_login.py) on an account name or an address."""

from django.core.management.base import BaseCommand

from cms.core import admin_login


class Command(BaseCommand):
    help = "Unlock the admin login for an account name or an address locked after failed logins."

    def add_arguments(self, parser):
        parser.add_argument("account_or_address", nargs="+")

    def handle(self, *args, account_or_address, **options):
        for value in account_or_address:
            admin_login.unlock(value, by="manage.py unlock_admin_login")
            self.stdout.write(f"unlocked {value}")
