"""URLs of the contracts app: the contract, its roster and pledges, work sites, training and
subcontracts, in the `contracts` namespace ("contracts:roster")."""

from django.urls import path

from contracts.views import closing, contracts, pledges, roster, subcontracts, training, worksites

app_name = "contracts"

urlpatterns = [
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/activate/", contracts.contract_activate, name="contract_activate"),
    path("contracts/<int:pk>/conditions/", contracts.contract_conditions, name="contract_conditions"),
    path("contracts/<int:pk>/work-start/", contracts.contract_work_start, name="contract_work_start"),
    path("contracts/<int:pk>/end/", contracts.contract_end, name="contract_end"),
    # The close (契約の終了処理) and the portal's certificates of erasure
    path("contracts/<int:pk>/close/", closing.contract_close, name="contract_close"),
    path("contracts/<int:pk>/erasure/", closing.erasure_certificates, name="erasure_certificates"),
    path(
        "contracts/<int:pk>/erasure/issue/",
        closing.erasure_certificate_issue,
        name="erasure_certificate_issue",
    ),
    path(
        "contracts/<int:pk>/erasure/<int:file_pk>.pdf",
        closing.erasure_certificate_download,
        name="erasure_certificate_download",
    ),
    # Roster (名簿) and its change requests
    path("contracts/<int:pk>/roster/", roster.roster, name="roster"),
    path("contracts/<int:pk>/roster/print/", roster.roster_pdf, name="roster_pdf"),
    path("contracts/<int:pk>/roster/print/request/", roster.roster_pdf_request, name="roster_pdf_request"),
    path(
        "contracts/<int:pk>/roster/template.xlsx",
        roster.roster_xlsx_template,
        name="roster_xlsx_template",
    ),
    path("contracts/<int:pk>/roster/export.xlsx", roster.roster_xlsx_export, name="roster_xlsx_export"),
    path("roster-changes/<int:pk>/import/", roster.roster_xlsx_import, name="roster_xlsx_import"),
    path("contracts/<int:pk>/roster/changes/", roster.roster_change_open, name="roster_change_open"),
    path("roster-changes/<int:pk>/", roster.roster_change, name="roster_change"),
    path("roster-changes/<int:pk>/people/", roster.roster_person_add, name="roster_person_add"),
    path(
        "roster-changes/<int:pk>/people/<int:person_pk>/",
        roster.roster_entry_change,
        name="roster_entry_change",
    ),
    path(
        "roster-changes/<int:pk>/people/<int:person_pk>/discard/",
        roster.roster_entry_discard,
        name="roster_entry_discard",
    ),
    path("roster-changes/<int:pk>/act/", roster.roster_change_act, name="roster_change_act"),
    # Pledges (誓約書)
    path("people/<int:pk>/pledge/", pledges.person_pledge, name="person_pledge"),
    path("people/<int:pk>/pledge.pdf", pledges.pledge_blank_pdf, name="pledge_blank_pdf"),
    path("pledges/<int:pk>/file", pledges.pledge_file, name="pledge_file"),
    # Unsuitable-worker flags (004 §6.4)
    path("people/<int:pk>/flags/", pledges.person_flag_raise, name="person_flag_raise"),
    path("flags/<int:pk>/answer/", pledges.flag_answer, name="flag_answer"),
    path("flags/<int:pk>/close/", pledges.flag_close, name="flag_close"),
    path("roster-changes/<int:pk>/submitted.pdf", roster.roster_change_pdf, name="roster_change_pdf"),
    # Work sites (作業場所) and their change requests, approved in advance by the public body
    path("contracts/<int:pk>/worksites/", worksites.worksites, name="worksites"),
    path(
        "contracts/<int:pk>/worksites/changes/", worksites.worksite_change_open, name="worksite_change_open"
    ),
    path(
        "contracts/<int:pk>/worksites/secure-area-rules/",
        worksites.secure_area_rules_acknowledge,
        name="secure_area_rules_acknowledge",
    ),
    path("worksite-changes/<int:pk>/", worksites.worksite_change, name="worksite_change"),
    path("worksite-changes/<int:pk>/act/", worksites.worksite_change_act, name="worksite_change_act"),
    path(
        "worksite-changes/<int:pk>/application.pdf", worksites.worksite_change_pdf, name="worksite_change_pdf"
    ),
    path("worksite-changes/<int:pk>/sites/", worksites.worksite_add, name="worksite_add"),
    path("worksite-changes/<int:pk>/sites/<int:site_pk>/", worksites.worksite_edit, name="worksite_edit"),
    path(
        "worksite-changes/<int:pk>/sites/<int:site_pk>/remove/",
        worksites.worksite_remove,
        name="worksite_remove",
    ),
    path(
        "worksite-changes/<int:pk>/sites/<int:site_pk>/discard/",
        worksites.worksite_entry_discard,
        name="worksite_entry_discard",
    ),
    # Overview per contract: plan status, sessions, people without training in the period
    path("contracts/<int:pk>/training/", training.training, name="training"),
    path(
        "contracts/<int:pk>/training/sessions/new/",
        training.training_session_create,
        name="training_session_create",
    ),
    path("training-sessions/<int:pk>/", training.training_session, name="training_session"),
    path(
        "training-sessions/<int:pk>/attendance/",
        training.training_session_attendance,
        name="training_session_attendance",
    ),
    path("training-sessions/<int:pk>/materials", training.training_material, name="training_material"),
    # The training plan (教育実施計画書), approved by the public body (004 §3.4)
    path(
        "contracts/<int:pk>/training/plans/new/", training.training_plan_create, name="training_plan_create"
    ),
    path("training-plans/<int:pk>/", training.training_plan, name="training_plan"),
    path("training-plans/<int:pk>/edit/", training.training_plan_edit, name="training_plan_edit"),
    path("training-plans/<int:pk>/act/", training.training_plan_act, name="training_plan_act"),
    path("training-plans/<int:pk>/plan.pdf", training.training_plan_pdf, name="training_plan_pdf"),
    # The report of results (教育実施報告書, 001 §9, 002 §6, 004 §3.5)
    path(
        "contracts/<int:pk>/training/reports/new/",
        training.training_report_create,
        name="training_report_create",
    ),
    path("training-reports/<int:pk>/", training.training_report, name="training_report"),
    path("training-reports/<int:pk>/edit/", training.training_report_edit, name="training_report_edit"),
    path("training-reports/<int:pk>/act/", training.training_report_act, name="training_report_act"),
    path("training-reports/<int:pk>/report.pdf", training.training_report_pdf, name="training_report_pdf"),
    # Subcontracts (再委託) at any tier
    path("subcontracts/", subcontracts.subcontract_list, name="subcontract_list"),
    path("contracts/<int:pk>/subcontracts/", subcontracts.subcontracts, name="subcontracts"),
    path("contracts/<int:pk>/subcontracts/new/", subcontracts.subcontract_create, name="subcontract_create"),
    path("subcontracts/<int:pk>/", subcontracts.subcontract, name="subcontract"),
    path("subcontracts/<int:pk>/edit/", subcontracts.subcontract_edit, name="subcontract_edit"),
    path("subcontracts/<int:pk>/act/", subcontracts.subcontract_act, name="subcontract_act"),
    path("subcontracts/<int:pk>/end/", subcontracts.subcontract_end, name="subcontract_end"),
    path("subcontracts/<int:pk>/application.pdf", subcontracts.subcontract_pdf, name="subcontract_pdf"),
    path(
        "subcontracts/<int:pk>/new/", subcontracts.subcontract_child_create, name="subcontract_child_create"
    ),
]
