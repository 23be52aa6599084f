import datetime

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ratings.models import GradeDay, Token
from ratings.providers import ProviderError
from ratings.providers.csv_import import CsvProvider

END = datetime.date(2025, 5, 31)
HEADER = (
    "token_id,symbol,name,date,open,high,low,close,volume,"
    "market_cap,circulating_supply,total_supply,chain,sectors"
)


def write_csv(path, rows, header=HEADER):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def history_rows(slug, days=30, start=1.0, step=0.02):
    rows = []
    for offset in range(days):
        day = END - datetime.timedelta(days=days - 1 - offset)
        close = start * (1 + step) ** offset
        rows.append(
            f"{slug},{slug[:3].upper()},{slug.title()},{day},{close},{close * 1.01},{close * 0.99},{close},"
            f"5000000,{close * 1e8},1e8,2e8,Ethereum,DePIN;AI"
        )
    return rows


def test_reads_rows_in_the_window_and_reports_unreadable_lines(tmp_path):
    rows = history_rows("alpha", days=3)
    rows += [
        f"beta,BET,Beta,{END},,,,abc,100,,,,,",
        "gamma,GAM,Gamma,31/05/2025,1,1,1,1,1,,,,,",
        f"Bad Slug,BAD,Bad,{END},1,1,1,1,1,,,,,",
        f"delta,DEL,Delta,{END},,,,2.5,,,,,,",
        "old,OLD,Old,2020-01-01,1,1,1,1,1,,,,,",
    ]
    data = CsvProvider(write_csv(tmp_path / "m.csv", rows)).fetch(end=END, days=2)
    assert [t.slug for t in data.tokens] == ["alpha"]
    assert data.tokens[0].sectors == ("DePIN", "AI") and data.tokens[0].chain == "Ethereum"
    assert data["close"][0].tolist() == pytest.approx([1.02, 1.0404])
    reasons = dict(data.rejected)
    assert reasons["line 5"] == "close is 'abc', not a number"
    assert "Invalid isoformat" in reasons["line 6"]
    assert "not lower-case letters" in reasons["line 7"]
    assert reasons["line 8"] == "volume is empty"
    assert np.isnan(data["market_cap"][0]).sum() == 0


def test_missing_columns_and_missing_files_are_clear_errors(tmp_path):
    with pytest.raises(ProviderError, match="lacks the column"):
        CsvProvider(write_csv(tmp_path / "m.csv", [], header="token_id,date,close")).fetch(end=END, days=1)
    with pytest.raises(ProviderError, match="Cannot read"):
        CsvProvider(tmp_path / "nope.csv").fetch(end=END, days=1)
    with pytest.raises(ProviderError, match="needs a file"):
        CsvProvider().fetch(end=END, days=1)


@pytest.mark.django_db
def test_refresh_ratings_imports_a_csv(tmp_path, capsys):
    path = write_csv(tmp_path / "m.csv", history_rows("alpha") + history_rows("beta", step=-0.02) + ["junk"])
    call_command(
        "refresh_ratings", "--provider", "csv", "--csv", str(path), "--date", str(END), "--days", "30"
    )
    assert "Graded 2 tokens" in capsys.readouterr().out
    alpha, beta = Token.objects.get(slug="alpha"), Token.objects.get(slug="beta")
    assert alpha.trader_grade > beta.trader_grade
    assert sorted(alpha.sectors.values_list("name", flat=True)) == ["AI", "DePIN"]
    assert GradeDay.objects.filter(token=alpha).count() == 30 - 13  # graded from the 14th day


@pytest.mark.django_db
def test_refresh_ratings_with_an_unreadable_csv_fails_cleanly(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="not a readable UTF-8 CSV"):
        call_command("refresh_ratings", "--provider", "csv", "--csv", str(path), "--date", str(END))
    assert not Token.objects.exists()


def sector_rows(rows):
    """Rows for a token per (line, sectors cell), one day each."""
    return [
        f"{slug},{slug[:3].upper()},{slug.title()},{END},1,1,1,1,100,,,,,{sectors}" for slug, sectors in rows
    ]


def test_sector_names_that_would_share_an_address_or_have_none_are_row_errors(tmp_path):
    rows = sector_rows(
        [
            ("alpha", "DeFi;AI"),
            ("beta", "DEFI"),  # line 3: slugifies to "defi" like DeFi on line 2
            ("gamma", "ИИ"),  # line 4: no ASCII letter or digit, no slug
            ("delta", "🚀;DeFi"),  # line 5
            ("eps", "defi "),  # line 6: another spelling again
            ("zeta", "AI;DeFi"),  # the same spellings are fine
        ]
    )
    data = CsvProvider(write_csv(tmp_path / "m.csv", rows)).fetch(end=END, days=1)

    assert [t.slug for t in data.tokens] == ["alpha", "zeta"]
    reasons = dict(data.rejected)
    assert reasons["line 3"] == (
        "sector 'DEFI' and 'DeFi' (line 2) would share the address /ratings/top/defi/; spell them the same"
    )
    assert reasons["line 4"].startswith("sector 'ИИ' has no ASCII letter or digit")
    assert reasons["line 5"].startswith("sector '🚀' has no ASCII letter or digit")
    assert "'defi' and 'DeFi' (line 2)" in reasons["line 6"]


@pytest.mark.django_db
def test_the_command_lists_sector_errors_and_imports_the_rest(tmp_path, capsys):
    from ratings.models import Sector

    Sector.objects.create(name="Defi", slug="defi")  # stored earlier by another spelling
    path = write_csv(
        tmp_path / "m.csv",
        [row.replace("DePIN;AI", "DeFi;AI") for row in history_rows("alpha")]
        + [row.replace("DePIN;AI", "ИИ") for row in history_rows("beta")],
    )
    call_command(
        "refresh_ratings", "--provider", "csv", "--csv", str(path), "--date", str(END), "--days", "30"
    )
    out = capsys.readouterr().out
    assert "Graded 1 tokens" in out and "30 rows rejected" in out
    assert "line 32: sector 'ИИ' has no ASCII letter or digit" in out
    alpha = Token.objects.get(slug="alpha")
    # "DeFi" joins the stored "Defi" that owns the address, instead of failing on it.
    assert sorted(alpha.sectors.values_list("slug", flat=True)) == ["ai", "defi"]
    assert Sector.objects.filter(slug="defi").count() == 1


@pytest.mark.django_db
def test_control_characters_in_names_never_reach_the_database(tmp_path):
    from ratings.refresh import refresh

    rows = [
        row.replace(",Alpha,", ',"Evil\r\nBcc: x@y\u202e",').replace("DePIN;AI", "De\tFi\x00;AI")
        for row in history_rows("alpha")
    ]
    refresh(CsvProvider(write_csv(tmp_path / "m.csv", rows)), end=END, days=30)
    token = Token.objects.get(slug="alpha")
    assert token.name == "Evil Bcc: x@y"
    assert sorted(token.sectors.values_list("name", flat=True)) == ["AI", "De Fi"]
