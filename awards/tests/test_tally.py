from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards import tally

REFERENCE = {
    "DePIN": 302,
    "AI": 188,
    "GameFi": 144,
    "DeFi": 132,
    "RWA": 86,
    "Modularity": 63,
    "Omni-chain": 34,
    "Data Availability": 13,
    "Other": 38,
}

counts_lists = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=40)


def test_reference_votes_give_reference_shares_and_words():
    standings = tally.standings((name, name, count) for name, count in REFERENCE.items())
    assert [(s.name, s.share_text) for s in standings] == [
        ("DePIN", "30.2%"),
        ("AI", "18.8%"),
        ("GameFi", "14.4%"),
        ("DeFi", "13.2%"),
        ("RWA", "8.6%"),
        ("Modularity", "6.3%"),
        ("Other", "3.8%"),
        ("Omni-chain", "3.4%"),
        ("Data Availability", "1.3%"),
    ]
    assert standings[0].words == "secured the top position with 30.2% of the total votes"
    assert standings[1].words == "took second place with 18.8% of the total votes"
    assert standings[8].words == "took ninth place with 1.3% of the total votes"


def test_thirds_sum_to_exactly_100_and_the_tie_goes_to_the_first():
    assert tally.shares_in_tenths([1, 1, 1]) == [334, 333, 333]
    standings = tally.standings([("a", "A", 1), ("b", "B", 1), ("c", "C", 1)])
    assert sum(s.share for s in standings) == Decimal("100.0")
    assert [s.rank for s in standings] == [1, 1, 1]
    assert standings[0].words == "shared the top position with 33.4% of the total votes"


def test_competition_ranking_and_shared_places():
    standings = tally.standings([("a", "A", 5), ("b", "B", 3), ("c", "C", 3), ("d", "D", 1)])
    assert [(s.name, s.rank) for s in standings] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]
    assert standings[1].words.startswith("shared second place with")
    assert standings[3].words.startswith("took fourth place with")


def test_largest_remainder_not_rounding():
    # Plain rounding gives 66.7 + 16.7 + 16.7 = 100.1; largest remainder trims the right one.
    assert tally.shares_in_tenths([4, 1, 1]) == [667, 167, 166]


def test_no_votes_gives_zero_shares():
    assert tally.shares_in_tenths([0, 0]) == [0, 0]
    assert all(s.rank == 1 for s in tally.standings([("a", "A", 0), ("b", "B", 0)]))


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        tally.shares_in_tenths([3, -1])


def test_ordinals_past_ten():
    assert [tally.ordinal(n) for n in (11, 12, 13, 21, 22, 23, 101)] == [
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
    ]


@given(counts_lists)
def test_shares_always_sum_to_exactly_100(counts):
    tenths = tally.shares_in_tenths(counts)
    if sum(counts):
        assert sum(tenths) == 1000
        assert sum(Decimal(t) / 10 for t in tenths) == Decimal("100.0")
    else:
        assert tenths == [0] * len(counts)


@given(counts_lists)
def test_more_votes_never_mean_a_smaller_share(counts):
    tenths = tally.shares_in_tenths(counts)
    for i, a in enumerate(counts):
        for j, b in enumerate(counts):
            if a > b:
                assert tenths[i] >= tenths[j]


@given(counts_lists)
def test_each_share_is_within_a_tenth_of_the_exact_share(counts):
    total = sum(counts)
    if total:
        for count, tenths in zip(counts, tally.shares_in_tenths(counts), strict=True):
            assert abs(tenths * total - count * 1000) < total  # |share - exact| < 0.1 point


@given(counts_lists)
def test_standings_are_ordered_and_deterministic(counts):
    entries = [(i, f"N{i}", c) for i, c in enumerate(counts)]
    standings = tally.standings(entries)
    assert standings == tally.standings(entries)
    assert [s.count for s in standings] == sorted(counts, reverse=True)
    assert [s.rank for s in standings] == sorted(s.rank for s in standings)
    assert standings[0].rank == 1
    for earlier, later in zip(standings, standings[1:], strict=False):
        assert earlier.tenths >= later.tenths
        assert (earlier.rank == later.rank) == (earlier.count == later.count)
