"""Risk figures against series small enough to check by hand."""

import math

import numpy as np
import pytest

from ratings import risk


def alternating_closes(days=30):
    """Closes whose daily returns alternate +2%, -1%, starting at 100 (days + 1 closes)."""
    closes = [100.0]
    for day in range(days):
        closes.append(closes[-1] * (1.02 if day % 2 == 0 else 0.99))
    return np.array(closes)


def test_volatility_sharpe_sortino_var_and_drawdown_of_an_alternating_series():
    close = alternating_closes(365)[None, :]
    figures = risk.figures(close, np.full(close.shape, 1e9))
    # 30 returns, fifteen of +2% and fifteen of -1%: mean 0.5%, deviations 1.5%.
    std = math.sqrt(30 * 0.015**2 / 29)
    assert figures["volatility_30d"][0] == pytest.approx(std * math.sqrt(365))
    assert figures["sharpe_30d"][0] == pytest.approx(0.005 / std * math.sqrt(365))
    downside = math.sqrt(15 * 0.01**2 / 30)
    assert figures["sortino_30d"][0] == pytest.approx(0.005 / downside * math.sqrt(365))
    assert figures["var_95_30d"][0] == pytest.approx(0.01)
    assert figures["max_drawdown_30d"][0] == pytest.approx(-0.01)
    # Alone in its market, a token moves exactly with it.
    assert figures["beta_30d"][0] == pytest.approx(1.0)
    assert np.isfinite(figures["volatility_365d"][0])


def test_maximum_drawdown_is_the_largest_fall_from_an_earlier_high():
    close = np.array([[100, 120, 90, 95, 130, 104] + [104] * 30], dtype=float)
    drawdown = risk.figures(close, np.ones(close.shape))["max_drawdown_90d"]
    assert math.isnan(drawdown[0])  # 35 returns do not cover 80% of 90 days
    assert risk._max_drawdown(close)[0] == pytest.approx(90 / 120 - 1)


def test_beta_of_a_token_that_moves_twice_as_much_as_the_market():
    market_token = alternating_closes(40)
    returns = np.diff(market_token) / market_token[:-1]
    leveraged = np.concatenate([[50.0], 50.0 * np.cumprod(1 + 2 * returns)])
    close = np.stack([market_token, leveraged])
    caps = np.stack([np.full(41, 1e12), np.full(41, 1.0)])  # the market is the first token
    figures = risk.figures(close, caps)
    assert figures["beta_30d"][1] == pytest.approx(2.0, rel=1e-6)
    assert figures["volatility_30d"][1] == pytest.approx(2 * figures["volatility_30d"][0], rel=1e-6)


def test_value_at_risk_is_the_five_percent_quantile_of_daily_returns_as_a_loss():
    returns = np.linspace(-0.1, 0.19, 30)  # 30 distinct returns
    close = np.concatenate([[100.0], 100.0 * np.cumprod(1 + returns)])[None, :]
    expected = -np.quantile(returns, 0.05)
    assert risk.figures(close, np.ones(close.shape))["var_95_30d"][0] == pytest.approx(expected)


def test_too_few_days_leave_a_figure_empty_rather_than_guess():
    close = np.concatenate([np.full(340, np.nan), alternating_closes(20)])[None, :]
    figures = risk.figures(close, np.ones(close.shape))
    assert np.isnan(figures["volatility_30d"][0]) and np.isnan(figures["sharpe_90d"][0])


def test_support_and_resistance_are_the_nearest_turning_points_around_the_last_close():
    close = (
        [100] * 8 + [90, 80, 90] + [100] * 6 + [95, 90, 95] + [100] * 6 + [110, 120, 110]
        + [100] * 6 + [115, 130, 115] + [100] * 6
    )
    support, resistance = risk.levels(np.array([close], dtype=float))
    assert support[0] == 90 and resistance[0] == 120


def test_no_turning_point_below_the_price_means_no_support():
    close = np.linspace(10, 100, 60)[None, :]  # rising all the way: no low below the last close
    support, resistance = risk.levels(close)
    assert np.isnan(support[0]) and np.isnan(resistance[0])
