from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("", include("clauses.urls")),
    path("", include("contracts.urls")),
    path("", include("ledgers.urls")),
    path("", include("incidents.urls")),
    path("", include("compliance.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "core.views.errors.permission_denied"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"
