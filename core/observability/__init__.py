"""Seeing the site run: request ids and structured logs (logs), error reports (sentry),
health and readiness probes (health), Prometheus metrics (metrics)."""
