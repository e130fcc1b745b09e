"""Pages: documents."""

urlpatterns: list = []
