from django.urls import include, path

from contracts import views, views_pledges, views_roster

urlpatterns = [
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/activate/", views.contract_activate, name="contract_activate"),
    path("contracts/<int:pk>/work-start/", views.contract_work_start, name="contract_work_start"),
    path("contracts/<int:pk>/end/", views.contract_end, name="contract_end"),
    # Roster (名簿) and its change requests
    path("contracts/<int:pk>/roster/", views_roster.roster, name="roster"),
    path("contracts/<int:pk>/roster/print/", views_roster.roster_pdf, name="roster_pdf"),
    path(
        "contracts/<int:pk>/roster/print/request/", views_roster.roster_pdf_request, name="roster_pdf_request"
    ),
    path(
        "contracts/<int:pk>/roster/template.xlsx",
        views_roster.roster_xlsx_template,
        name="roster_xlsx_template",
    ),
    path("contracts/<int:pk>/roster/export.xlsx", views_roster.roster_xlsx_export, name="roster_xlsx_export"),
    path("roster-changes/<int:pk>/import/", views_roster.roster_xlsx_import, name="roster_xlsx_import"),
    path("contracts/<int:pk>/roster/changes/", views_roster.roster_change_open, name="roster_change_open"),
    path("roster-changes/<int:pk>/", views_roster.roster_change, name="roster_change"),
    path("roster-changes/<int:pk>/people/", views_roster.roster_person_add, name="roster_person_add"),
    path(
        "roster-changes/<int:pk>/people/<int:person_pk>/",
        views_roster.roster_entry_change,
        name="roster_entry_change",
    ),
    path(
        "roster-changes/<int:pk>/people/<int:person_pk>/discard/",
        views_roster.roster_entry_discard,
        name="roster_entry_discard",
    ),
    path("roster-changes/<int:pk>/act/", views_roster.roster_change_act, name="roster_change_act"),
    # Pledges (誓約書)
    path("people/<int:pk>/pledge/", views_pledges.person_pledge, name="person_pledge"),
    path("people/<int:pk>/pledge.pdf", views_pledges.pledge_blank_pdf, name="pledge_blank_pdf"),
    path("pledges/<int:pk>/file", views_pledges.pledge_file, name="pledge_file"),
    # Unsuitable-worker flags (004 §6.4)
    path("people/<int:pk>/flags/", views_pledges.person_flag_raise, name="person_flag_raise"),
    path("flags/<int:pk>/answer/", views_pledges.flag_answer, name="flag_answer"),
    path("flags/<int:pk>/close/", views_pledges.flag_close, name="flag_close"),
    path("roster-changes/<int:pk>/submitted.pdf", views_roster.roster_change_pdf, name="roster_change_pdf"),
    path("", include("contracts.urls_worksites")),
    path("", include("contracts.urls_training")),
    path("", include("contracts.urls_subcontracts")),
]
