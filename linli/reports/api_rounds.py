"""API: rounds (routes on linli.reports.api.router)."""
