"""Tokens, their daily market data and their daily grades.

Market figures are floats (double precision): they come from floats, feed NumPy and
span twenty orders of magnitude; grades and components are small numbers on a 0-100 scale.
"""

import re

from django.db import models
from django.urls import NoReverseMatch, reverse

from core.caching import invalidate_on_change


@invalidate_on_change
class Sector(models.Model):
    """A category tag such as DePIN or Layer 1; a token may carry several."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The sector's Top 10 page, or "" for a slug no URL can carry (empty or not ASCII,
        stored before imports refused such names): pages list the sector without a link."""
        if not URL_SLUG.fullmatch(self.slug or ""):
            return ""
        try:
            return reverse("ratings:top", args=[self.slug])
        except NoReverseMatch:
            return ""


# What the <slug:...> URL converter accepts.
URL_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class Signal(models.IntegerChoices):
    STRONG_SELL = 1, "Strong Sell"
    SELL = 2, "Sell"
    NEUTRAL = 3, "Neutral"
    BUY = 4, "Buy"
    STRONG_BUY = 5, "Strong Buy"


class Token(models.Model):
    # The slug is the token's identity across providers (CoinGecko's coin id, the CSV's token_id).
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=120)
    symbol = models.CharField(max_length=30, db_index=True, help_text="Not unique: tickers collide.")
    chain = models.CharField(max_length=60, blank=True)
    sectors = models.ManyToManyField(Sector, related_name="tokens", blank=True)
    provider_ids = models.JSONField(default=dict, blank=True, help_text='e.g. {"coingecko": "bitcoin"}')
    launched_on = models.DateField(null=True, blank=True)
    circulating_supply = models.FloatField(null=True, blank=True)
    total_supply = models.FloatField(null=True, blank=True)
    max_supply = models.FloatField(null=True, blank=True)
    all_time_high = models.FloatField(null=True, blank=True)

    # Snapshot of the last good grades and prices, so listings read one table. Grade
    # history lives in GradeDay; refresh copies the newest row here.
    graded_on = models.DateField(null=True, blank=True)
    trader_grade = models.FloatField(null=True, blank=True)
    investor_grade = models.FloatField(null=True, blank=True)
    signal = models.PositiveSmallIntegerField(choices=Signal.choices, null=True, blank=True)
    trader_change_24h = models.FloatField(null=True, blank=True)
    trader_change_7d = models.FloatField(null=True, blank=True)
    investor_change_24h = models.FloatField(null=True, blank=True)
    investor_change_7d = models.FloatField(null=True, blank=True)
    price_change_24h = models.FloatField(null=True, blank=True)
    price_change_7d = models.FloatField(null=True, blank=True)
    price = models.FloatField(null=True, blank=True)
    market_cap = models.FloatField(null=True, blank=True)
    is_stale = models.BooleanField(
        default=False, help_text="The last refresh had no valid data for this token; its grades are older."
    )
    stale_since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-market_cap", "slug"]
        indexes = [
            models.Index(fields=["-market_cap"], name="ratings_token_mcap_idx"),
            models.Index(fields=["-trader_grade"], name="ratings_token_trader_idx"),
            models.Index(fields=["-investor_grade"], name="ratings_token_investor_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.symbol})"

    def get_absolute_url(self):
        return reverse("ratings:token", args=[self.slug])

    @property
    def signal_label(self):
        return Signal(self.signal).label if self.signal else ""


class MarketDay(models.Model):
    # Millions of rows: the (token, date) key is the only index, so bulk loads stay fast.
    pk = models.CompositePrimaryKey("token", "date")
    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="market_days", db_index=False)
    date = models.DateField()
    open = models.FloatField()
    high = models.FloatField()
    low = models.FloatField()
    close = models.FloatField()
    volume = models.FloatField()
    market_cap = models.FloatField(null=True, blank=True)
    circulating_supply = models.FloatField(null=True, blank=True)
    total_supply = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["token", "date"]

    def __str__(self):
        return f"{self.token_id} {self.date}"


class GradeDay(models.Model):
    """Both grades of one token on one day, with the components they were made of."""

    pk = models.CompositePrimaryKey("token", "date")
    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="grades", db_index=False)
    date = models.DateField()
    trader_grade = models.FloatField()
    investor_grade = models.FloatField()
    signal = models.PositiveSmallIntegerField(choices=Signal.choices)

    # Components: whole numbers on 0-100; null where the data could not support one (e.g. unknown supply).
    trend = models.PositiveSmallIntegerField(null=True, blank=True)
    momentum = models.PositiveSmallIntegerField(null=True, blank=True)
    volatility = models.PositiveSmallIntegerField(null=True, blank=True)
    volume_flow = models.PositiveSmallIntegerField(null=True, blank=True)
    size = models.PositiveSmallIntegerField(null=True, blank=True)
    liquidity = models.PositiveSmallIntegerField(null=True, blank=True)
    drawdown = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_return = models.PositiveSmallIntegerField(null=True, blank=True)
    supply = models.PositiveSmallIntegerField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)

    # Changes in grade points and price percent; null without a grade or price that far back.
    trader_change_24h = models.FloatField(null=True, blank=True)
    trader_change_7d = models.FloatField(null=True, blank=True)
    investor_change_24h = models.FloatField(null=True, blank=True)
    investor_change_7d = models.FloatField(null=True, blank=True)
    price_change_24h = models.FloatField(null=True, blank=True)
    price_change_7d = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["token", "date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trader_grade__gte=0, trader_grade__lte=100)
                & models.Q(investor_grade__gte=0, investor_grade__lte=100),
                name="ratings_grade_range",
            ),
        ]

    def __str__(self):
        return f"{self.token_id} {self.date}: {self.trader_grade}/{self.investor_grade}"

    @property
    def signal_label(self):
        return Signal(self.signal).label


class RefreshRun(models.Model):
    """One run of refresh_ratings: what it fetched, what it kept, and why it stopped."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    provider = models.CharField(max_length=40)
    day = models.DateField(help_text="The day being graded.")
    days = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    tokens_graded = models.PositiveIntegerField(default=0)
    tokens_stale = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.provider} {self.day} {self.status}"


class RefreshLease(models.Model):
    """Who may refresh now, on databases without advisory locks (SQLite under `make run`).

    The holder renews ``expires_at`` as its refresh progresses; a holder that died stops
    renewing, and once the lease has expired the next refresh takes it over.
    """

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} held by {self.holder} until {self.expires_at:%Y-%m-%d %H:%M:%S}"


class RiskDay(models.Model):
    """One token's risk figures on one day (ratings/risk.py says how each is computed).

    Fractions, not percent: a volatility of 0.8 is 80% a year, a drawdown of -0.35 a fall of
    35%, a value at risk of 0.06 a daily loss of 6%. Null where the window lacks data.
    """

    pk = models.CompositePrimaryKey("token", "date")
    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="risk_days", db_index=False)
    date = models.DateField()
    volatility_30d = models.FloatField(null=True, blank=True)
    sharpe_30d = models.FloatField(null=True, blank=True)
    sortino_30d = models.FloatField(null=True, blank=True)
    max_drawdown_30d = models.FloatField(null=True, blank=True)
    var_95_30d = models.FloatField(null=True, blank=True)
    beta_30d = models.FloatField(null=True, blank=True)
    volatility_90d = models.FloatField(null=True, blank=True)
    sharpe_90d = models.FloatField(null=True, blank=True)
    sortino_90d = models.FloatField(null=True, blank=True)
    max_drawdown_90d = models.FloatField(null=True, blank=True)
    var_95_90d = models.FloatField(null=True, blank=True)
    beta_90d = models.FloatField(null=True, blank=True)
    volatility_365d = models.FloatField(null=True, blank=True)
    sharpe_365d = models.FloatField(null=True, blank=True)
    sortino_365d = models.FloatField(null=True, blank=True)
    max_drawdown_365d = models.FloatField(null=True, blank=True)
    var_95_365d = models.FloatField(null=True, blank=True)
    beta_365d = models.FloatField(null=True, blank=True)
    support = models.FloatField(null=True, blank=True)
    resistance = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["token", "date"]

    def __str__(self):
        return f"{self.token_id} {self.date} risk"


class MarketReport(models.Model):
    """The track record and the market overview as computed by the refresh of `date`.

    Written once per refresh from the stored grades and prices, read whole by the
    performance and market pages and the API: a page costs one query, however many tokens.
    """

    date = models.DateField(unique=True)
    computed_at = models.DateTimeField(auto_now=True)
    track_record = models.JSONField()
    market = models.JSONField()

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"Market report {self.date}"
