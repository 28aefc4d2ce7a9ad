"""`manage.py generate_data --tier S|M|L --seed N [--replace]`: a generated organisation for the
performance benchmark (docs/performance.md). PostgreSQL only.

The rows come from `reports.datagen`; the command lives here, above it, because it finishes
with the region rollup's nightly rebuild, which the scorecard and rollup pages read."""

import json
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from reports.datagen import TIERS
from reports.datagen.generate import GeneratorRefused, generate
from rollups import building


class Command(BaseCommand):
    help = "Fill an empty PostgreSQL database with a generated organisation of one size."

    def add_arguments(self, parser):
        parser.add_argument("--tier", required=True, help=f"one of {', '.join(TIERS)}")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=None,
            help="last day with activity (YYYY-MM-DD, default today); fixes the dates for reruns",
        )
        parser.add_argument(
            "--replace", action="store_true", help="wipe a database that already holds data"
        )

    def handle(self, *args, tier, seed, until, replace, **options):
        tier = tier.upper()
        self.stdout.write(f"Generating tier {tier} with seed {seed}…")
        try:
            manifest = generate(
                tier=tier,
                seed=seed,
                until=until or timezone.localdate(),
                replace=replace,
                log=self.stdout.write,
            )
        except GeneratorRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        started = time.perf_counter()
        cells = building.rebuild_all()
        self.stdout.write(f"  region rollup: {cells} cells, {time.perf_counter() - started:.1f} s")
        # The database as autovacuum keeps a production one: fresh statistics (the generator's
        # own ANALYZE ran before the rollup was filled, and the planner took the rollup tables
        # for empty) and the visibility map set, without which no index-only scan skips the
        # table (a region's blank areas read 58,000 customer pages to count them at tier L).
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a caller's transaction: statistics alone there.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(f"  vacuum and analyse: {time.perf_counter() - started:.1f} s")
        self.stdout.write(json.dumps(manifest, indent=2, ensure_ascii=False))
        self.stdout.write(
            self.style.SUCCESS(f"Tier {tier} loaded in {manifest['generation_seconds']} s.")
        )
