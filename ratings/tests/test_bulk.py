import datetime

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction

from ratings import bulk
from ratings.models import MarketDay, Token

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.date(2025, 3, 1)


def market_rows(tokens, close, supply):
    count = len(close)
    return {
        "token_id": ("id", np.array([t.pk for t in tokens])),
        "date": ("date", np.array([DAY + datetime.timedelta(days=i) for i in range(count)])),
        **{name: ("float", np.asarray(close, dtype=float)) for name in ("open", "high", "low", "close")},
        "volume": ("float", np.full(count, 5.0)),
        "market_cap": ("float", np.full(count, np.nan)),
        "circulating_supply": ("float", np.asarray(supply, dtype=float)),
        "total_supply": ("float", np.full(count, 1e9)),
    }


def store(columns):
    with transaction.atomic():
        bulk.upsert(
            MarketDay._meta.db_table,
            ("token_id", "date"),
            columns,
            nullable=("market_cap", "circulating_supply", "total_supply"),
        )


def test_upsert_stores_nan_as_null_and_replaces_rows_on_a_second_run():
    token = Token.objects.create(slug="alpha", name="Alpha", symbol="ALP")
    store(market_rows([token] * 3, [1.5, 2.5, 3.5], [np.nan, 7.0, np.nan]))
    stored = list(MarketDay.objects.order_by("date").values_list("close", "circulating_supply", "market_cap"))
    assert stored == [(1.5, None, None), (2.5, 7.0, None), (3.5, None, None)]

    store(market_rows([token] * 2, [9.0, 8.0], [1.0, np.nan]))
    stored = list(MarketDay.objects.order_by("date").values_list("close", "circulating_supply"))
    assert stored == [(9.0, 1.0), (8.0, None), (3.5, None)]


def test_a_bulk_load_works_with_debug_on_as_make_run_has_it(settings):
    settings.DEBUG = True  # Django then wraps every cursor in its query-logging wrapper
    token = Token.objects.create(slug="alpha", name="Alpha", symbol="ALP")
    store(market_rows([token] * 2, [1.5, 2.5], [np.nan, 7.0]))
    store(market_rows([token] * 2, [4.0, 5.0], [1.0, 2.0]))
    assert list(MarketDay.objects.order_by("date").values_list("close", flat=True)) == [4.0, 5.0]


def test_read_days_returns_the_stored_rows_with_nan_for_null():
    tokens = [Token.objects.create(slug=s, name=s, symbol=s) for s in ("a", "b")]
    store(market_rows([tokens[0], tokens[1], tokens[0]], [1.0, 2.0, 3.0], [np.nan, 4.0, 5.0]))
    token_ids, dates, close, supply = bulk.read_days(
        MarketDay._meta.db_table,
        ("close", "circulating_supply"),
        [tokens[0].pk],
        DAY,
        DAY + datetime.timedelta(days=5),
    )
    order = np.argsort(dates)
    assert token_ids[order].tolist() == [tokens[0].pk, tokens[0].pk]
    assert close[order].tolist() == [1.0, 3.0]
    assert np.isnan(supply[order][0]) and supply[order][1] == 5.0


def test_read_days_keeps_to_the_tokens_and_days_asked_for():
    tokens = [Token.objects.create(slug=s, name=s, symbol=s) for s in ("a", "b", "c")]
    # Day 0..5 for a, b and c in turn: a on days 0 and 3, b on 1 and 4, c on 2 and 5.
    store(market_rows(tokens * 2, [10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [1.0] * 6))
    wanted = [tokens[0].pk, tokens[2].pk]
    token_ids, dates, close = bulk.read_days(
        MarketDay._meta.db_table, ("close",), wanted, DAY, DAY + datetime.timedelta(days=4)
    )
    rows = sorted(zip(token_ids.tolist(), dates.astype(object).tolist(), close.tolist(), strict=True))
    assert rows == [
        (tokens[0].pk, DAY, 10.0),
        (tokens[0].pk, DAY + datetime.timedelta(days=3), 13.0),
        (tokens[2].pk, DAY + datetime.timedelta(days=2), 12.0),
    ]
    nothing = bulk.read_days(MarketDay._meta.db_table, ("close",), [tokens[1].pk], DAY, DAY)
    assert [len(column) for column in nothing] == [0, 0, 0]


def test_binary_copy_payload_round_trips_without_nulls():
    columns = [("id", np.array([1, 2])), ("date", np.array([DAY, DAY])), ("float", np.array([0.5, 1e-12]))]
    ids, dates, values = bulk.parse_binary_copy(bulk.binary_copy_payload(columns), ["id", "date", "float"])
    assert ids.tolist() == [1, 2] and values.tolist() == [0.5, 1e-12]
    assert dates.astype(object).tolist() == [DAY, DAY]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="foreign keys are suspended only on PostgreSQL")
def test_a_bulk_load_puts_the_foreign_keys_back(monkeypatch):
    monkeypatch.setattr(bulk, "BULK_LOAD_ROWS", 1)
    token = Token.objects.create(slug="alpha", name="Alpha", symbol="ALP")

    def foreign_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                [MarketDay._meta.db_table],
            )
            return cursor.fetchone()[0]

    before = foreign_keys()
    store(market_rows([token] * 3, [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]))
    assert foreign_keys() == before == 1
    assert MarketDay.objects.count() == 3
    with connection.cursor() as cursor:
        # Analyzed after the load, so the planner knows the table is no longer empty.
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [MarketDay._meta.db_table])
        assert cursor.fetchone()[0] == 3
    orphan = market_rows([token], [1.0], [1.0])
    orphan["token_id"] = ("id", np.array([token.pk + 1000]))
    with pytest.raises(IntegrityError):
        store(orphan)
