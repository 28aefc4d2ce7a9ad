from pathlib import Path

from django.core.management.base import BaseCommand

from territories.divisions import DIVISIONS_CSV, load_divisions, read_rows


class Command(BaseCommand):
    help = "Load or refresh China's administrative divisions (province, city, county)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DIVISIONS_CSV), help="CSV with the divisions")

    def handle(self, *args, file, **options):
        written = load_divisions(read_rows(Path(file)))
        self.stdout.write(self.style.SUCCESS(f"{written} divisions loaded."))
