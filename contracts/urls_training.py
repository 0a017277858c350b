"""URLs of the training feature (included by contracts.urls)."""

urlpatterns: list = []
