import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the periodic jobs every minute until stopped: scheduled publishing, no-shows and reminders, "
        "overdue supplements, abandoned application drafts' files, search-index upkeep (queued changes applied, "
        "a broken index rebuilt), expired "
        "rate-limit counters removed, and hall tickets left uncalled at closing marked."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="seconds between runs")
        parser.add_argument("--once", action="store_true", help="run each job once and stop")

    def handle(self, *args, interval, once, **options):
        while True:
            call_command("publish_scheduled", verbosity=0)
            call_command("mark_no_shows", verbosity=0)
            call_command("send_reminders", verbosity=0)
            call_command("mark_supplements_overdue", verbosity=0)
            call_command("purge_application_drafts", verbosity=0)
            call_command("rebuild_search_index", "--if-needed", verbosity=0)
            call_command("purge_counters", verbosity=0)
            call_command("purge_phone_codes", verbosity=0)
            call_command("erase_personal_data", verbosity=0)
            call_command("close_queues", verbosity=0)
            if once:
                return
            time.sleep(interval)
