"""URLs of the worksites feature (included by contracts.urls)."""

urlpatterns: list = []
