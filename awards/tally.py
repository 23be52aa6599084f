"""Vote counts in, shares, ranks and words out.

Shares are kept in integer tenths of a percent so that they add up to exactly 100.0
(1000 tenths) by the largest-remainder method; no float ever touches a share.
"""

from dataclasses import dataclass
from decimal import Decimal

TENTHS = 1000  # 100.0 % in tenths of a percent

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


@dataclass(frozen=True)
class Standing:
    key: object
    name: str
    count: int
    tenths: int  # share in tenths of a percent
    rank: int  # competition ranking: equal counts share a rank ("1, 2, 2, 4")
    tied: bool

    @property
    def share(self):
        return Decimal(self.tenths).scaleb(-1)  # keeps one decimal: 75.0, not 75

    @property
    def share_text(self):
        return f"{self.tenths // 10}.{self.tenths % 10}%"

    @property
    def words(self):
        return describe(self)


def shares_in_tenths(counts):
    """Largest-remainder shares of ``counts`` in tenths of a percent.

    The result sums to exactly 1000 when any count is positive (all zeros otherwise).
    Ties on the remainder go to the larger count, then to the earlier position, so the
    same input always gives the same output and a larger count never gets a smaller share.
    """
    counts = list(counts)
    if any(count < 0 for count in counts):
        raise ValueError("Vote counts cannot be negative.")
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    floors = [count * TENTHS // total for count in counts]
    remainders = [count * TENTHS % total for count in counts]
    left_over = TENTHS - sum(floors)
    by_claim = sorted(range(len(counts)), key=lambda i: (-remainders[i], -counts[i], i))
    for index in by_claim[:left_over]:
        floors[index] += 1
    return floors


def standings(entries):
    """Rank ``entries`` of (key, name, count); most votes first, input order breaks ties."""
    entries = list(entries)
    tenths = shares_in_tenths(count for _, _, count in entries)
    order = sorted(range(len(entries)), key=lambda i: (-entries[i][2], -tenths[i], i))
    counts = [entries[i][2] for i in order]
    result = []
    for index in order:
        key, name, count = entries[index]
        result.append(
            Standing(
                key=key,
                name=name,
                count=count,
                tenths=tenths[index],
                rank=counts.index(count) + 1,
                tied=counts.count(count) > 1,
            )
        )
    return result


def ordinal(number):
    if number <= len(ORDINALS):
        return ORDINALS[number - 1]
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def describe(standing):
    """The standing in words: "secured the top position with 30.2% of the total votes"."""
    share = f"with {standing.share_text} of the total votes"
    if standing.rank == 1:
        return f"{'shared' if standing.tied else 'secured'} the top position {share}"
    place = f"{ordinal(standing.rank)} place"
    return f"shared {place} {share}" if standing.tied else f"took {place} {share}"
