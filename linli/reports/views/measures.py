"""Pages: measures."""

urlpatterns: list = []
