from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from cms.home.catalogue import import_centres


class Command(BaseCommand):
    help = "Create or update centres by code from a centres YAML file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            counts = import_centres(path)
        except (ValidationError, ValueError, OSError) as exc:
            raise CommandError(f"服务中心文件无效，未导入 / invalid centres file, nothing imported:\n{exc}") from None
        self.stdout.write(
            f"centres: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
        )
