"""API: measures (routes on linli.reports.api.router)."""
