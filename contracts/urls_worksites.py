"""URLs of the worksites feature (included by contracts.urls)."""

from django.urls import path

from contracts import views_worksites as views

urlpatterns = [
    # Work sites (作業場所) and their change requests, approved in advance by the public body
    path("contracts/<int:pk>/worksites/", views.worksites, name="worksites"),
    path("contracts/<int:pk>/worksites/changes/", views.worksite_change_open, name="worksite_change_open"),
    path(
        "contracts/<int:pk>/worksites/secure-area-rules/",
        views.secure_area_rules_acknowledge,
        name="secure_area_rules_acknowledge",
    ),
    path("worksite-changes/<int:pk>/", views.worksite_change, name="worksite_change"),
    path("worksite-changes/<int:pk>/act/", views.worksite_change_act, name="worksite_change_act"),
    path("worksite-changes/<int:pk>/application.pdf", views.worksite_change_pdf, name="worksite_change_pdf"),
    path("worksite-changes/<int:pk>/sites/", views.worksite_add, name="worksite_add"),
    path("worksite-changes/<int:pk>/sites/<int:site_pk>/", views.worksite_edit, name="worksite_edit"),
    path(
        "worksite-changes/<int:pk>/sites/<int:site_pk>/remove/",
        views.worksite_remove,
        name="worksite_remove",
    ),
    path(
        "worksite-changes/<int:pk>/sites/<int:site_pk>/discard/",
        views.worksite_entry_discard,
        name="worksite_entry_discard",
    ),
]
