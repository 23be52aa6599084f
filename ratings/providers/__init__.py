"""Market-data providers: one small interface, chosen by the RATINGS_PROVIDER setting."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import MarketData, MarketDataProvider, ProviderError, TokenInfo

PROVIDERS = {
    "demo": "ratings.providers.demo.DemoProvider",
    "csv": "ratings.providers.csv_import.CsvProvider",
    "coingecko": "ratings.providers.coingecko.CoinGeckoProvider",
}

__all__ = ["MarketData", "MarketDataProvider", "ProviderError", "TokenInfo", "get_provider", "PROVIDERS"]


def get_provider(name=None, **options):
    """The provider called `name` (or the RATINGS_PROVIDER setting), configured from
    RATINGS_PROVIDER_OPTIONS[name] and then `options`. A dotted path works too."""
    name = name or settings.RATINGS_PROVIDER
    path = PROVIDERS.get(name, name)
    try:
        provider_class = import_string(path)
    except ImportError:
        raise ProviderError(f"Unknown provider {name!r}; choose one of {', '.join(PROVIDERS)}.") from None
    configured = {**settings.RATINGS_PROVIDER_OPTIONS.get(name, {}), **options}
    return provider_class(**configured)
