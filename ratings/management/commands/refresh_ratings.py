import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ratings.providers import PROVIDERS, ProviderError, get_provider
from ratings.refresh import RefreshBusy, RefreshRejected, refresh

STAGE_NAMES = {"fetch": "Fetching", "write": "Storing", "report": "Risk, track record and market"}


class ProgressBar:
    """A one-line text bar per stage, redrawn in place (at most ten times a second)."""

    width = 30

    def __init__(self, stdout):
        self.stdout = stdout
        self.stage = None
        self.drawn_at = 0.0

    def __call__(self, stage, done, total):
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.drawn_at < 0.1:
            return
        if stage != self.stage and self.stage is not None:
            self.stdout.write("")
        self.stage, self.drawn_at = stage, now
        filled = int(self.width * done / total) if total else self.width
        label = STAGE_NAMES.get(stage, stage.capitalize())
        bar = "#" * filled + "-" * (self.width - filled)
        self.stdout.write(f"\r  {label:<9} [{bar}] {done:,}/{total:,}", ending="")
        self.stdout.flush()

    def close(self):
        if self.stage is not None:
            self.stdout.write("")


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must look like 2025-06-30, not {value!r}.") from None


class Command(BaseCommand):
    help = "Fetch market data and grade every token for a day (all or nothing; safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provider",
            help=f"{', '.join(PROVIDERS)} or a dotted path "
            f"(default: the RATINGS_PROVIDER setting, now {settings.RATINGS_PROVIDER}).",
        )
        parser.add_argument(
            "--tokens", type=int, default=settings.RATINGS_TOKENS, help="How many tokens, largest first."
        )
        parser.add_argument(
            "--days",
            type=int,
            help="Days of history to fetch, ending on --date (default: since the last stored day, "
            f"or {settings.RATINGS_BACKFILL_DAYS} on an empty database).",
        )
        parser.add_argument(
            "--date", type=parse_date, help="The day to grade (default: yesterday, the last whole UTC day)."
        )
        parser.add_argument(
            "--csv",
            dest="csv_path",
            help="CSV file for --provider csv (see ratings/providers/csv_import.py).",
        )

    def handle(self, *args, provider=None, tokens, days, date, csv_path, verbosity, **options):
        if tokens < 1:
            raise CommandError("--tokens must be at least 1.")
        if days is not None and not 1 <= days <= 3650:
            raise CommandError("--days must be between 1 and 3650.")
        extra = {"path": csv_path} if csv_path else {}
        try:
            source = get_provider(provider, **extra)
        except (ProviderError, TypeError) as error:
            raise CommandError(str(error)) from None
        bar = ProgressBar(self.stdout) if verbosity else None
        try:
            result = refresh(source, end=date, days=days, limit=tokens, progress=bar)
        except (ProviderError, RefreshRejected, RefreshBusy) as error:
            raise CommandError(str(error)) from None
        finally:
            if bar:
                bar.close()
        timings = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.timings.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Graded {result.tokens_graded:,} tokens for {result.run.day} "
                f"({result.run.days} day(s) fetched); {result.tokens_stale:,} stale, "
                f"{result.rows_rejected:,} rows rejected. {timings}."
            )
        )
        for problem in result.problems[:20]:
            self.stdout.write(self.style.WARNING(f"  {problem}"))
        if len(result.problems) > 20:
            self.stdout.write(self.style.WARNING(f"  ... and {len(result.problems) - 20:,} more"))
