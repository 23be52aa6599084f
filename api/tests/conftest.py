import datetime

import pytest

from ratings.providers.demo import DemoProvider
from ratings.refresh import refresh

END = datetime.date(2025, 9, 30)


@pytest.fixture
def graded(db):
    refresh(DemoProvider(seed=9, universe=120), end=END, days=60, limit=80)


@pytest.fixture
def generous_limits(settings):
    settings.API_RATE_ANONYMOUS = "10000/minute"
    settings.API_RATE_KEY = "10000/minute"
