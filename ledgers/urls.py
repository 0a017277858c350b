"""URLs of the ledgers app, in the `ledgers` namespace ("ledgers:device_list")."""

from django.urls import path

from ledgers.views import devices, imports, information, inspections, requests, slips, submissions, takeouts

app_name = "ledgers"

urlpatterns = [
    # The device ledger (パソコン等・記録媒体の管理台帳, 000 §5.3)
    path("contracts/<int:pk>/devices/", devices.device_list, name="device_list"),
    path("contracts/<int:pk>/devices/new/", devices.device_register, name="device_register"),
    path("devices/<int:pk>/", devices.device_detail, name="device_detail"),
    path("devices/<int:pk>/change/", devices.device_update, name="device_update"),
    # The device ledger as of a day, as xlsx (the import's layout) and as PDF
    path("contracts/<int:pk>/devices/ledger.xlsx", devices.device_ledger_xlsx, name="device_ledger_xlsx"),
    path("contracts/<int:pk>/devices/ledger.pdf", devices.device_ledger_pdf, name="device_ledger_pdf"),
    # The information ledger (情報管理台帳, 000 §5.6(4), 002 §10(3))
    path("contracts/<int:pk>/information/", information.information_list, name="information_list"),
    path("contracts/<int:pk>/information/new/", information.information_receive, name="information_receive"),
    path("information/<int:pk>/", information.information_detail, name="information_detail"),
    path("information/<int:pk>/record/", information.custody_record, name="custody_record"),
    path("custody/<int:pk>/correct/", information.custody_correct, name="custody_correct"),
    # Take-out requests (持出し申請), approved in advance by the party the clauses name
    path("contracts/<int:pk>/takeouts/", takeouts.takeout_list, name="takeout_list"),
    path("contracts/<int:pk>/takeouts/new/", takeouts.takeout_create, name="takeout_create"),
    path("takeouts/<int:pk>/", takeouts.takeout_detail, name="takeout_detail"),
    path("takeouts/<int:pk>/edit/", takeouts.takeout_update, name="takeout_update"),
    path("takeouts/<int:pk>/act/", takeouts.takeout_act, name="takeout_act"),
    # Applications to the public body (複写・複製, 第三者提供, 持込み, 返還・廃棄), decided in advance
    path("contracts/<int:pk>/requests/<str:kind>/", requests.request_list, name="request_list"),
    path("contracts/<int:pk>/requests/<str:kind>/new/", requests.request_create, name="request_create"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_update, name="request_update"),
    path("requests/<int:pk>/act/", requests.request_act, name="request_act"),
    # The certificate of return or disposal (返還・廃棄証明書) of an approved disposal application
    path("requests/<int:pk>/certificate/", requests.certificate_issue, name="certificate_issue"),
    path(
        "requests/<int:pk>/certificates/<int:file_pk>.pdf",
        requests.certificate_download,
        name="certificate_download",
    ),
    # Importing a ledger kept in Excel: upload, the template, its status (the preview), apply or abandon it
    path(
        "contracts/<int:pk>/devices/import/",
        imports.import_upload,
        {"ledger": "devices"},
        name="device_import",
    ),
    path(
        "contracts/<int:pk>/devices/import/template.xlsx",
        imports.import_template,
        {"ledger": "devices"},
        name="device_import_template",
    ),
    path(
        "contracts/<int:pk>/information/import/",
        imports.import_upload,
        {"ledger": "information"},
        name="information_import",
    ),
    path(
        "contracts/<int:pk>/information/import/template.xlsx",
        imports.import_template,
        {"ledger": "information"},
        name="information_import_template",
    ),
    path("imports/<int:pk>/apply/", imports.import_apply, name="import_apply"),
    path("imports/<int:pk>/status/", imports.import_status, name="import_status"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import_discard"),
    # Its receipt (受領証), handover slip (受渡票) or record of erasure/destruction, as PDF
    path("custody/<int:pk>/slip.pdf", slips.custody_slip_pdf, name="custody_slip_pdf"),
    # The information ledger as submitted to the public body (002 §10(3)), as PDF and xlsx
    path(
        "contracts/<int:pk>/information/submissions/",
        submissions.submission_list,
        name="submission_list",
    ),
    path("submissions/<int:pk>/ledger.pdf", submissions.submission_pdf, name="submission_pdf"),
    path("submissions/<int:pk>/ledger.xlsx", submissions.submission_xlsx, name="submission_xlsx"),
    # Backups and inspections (点検, 000 §5.6(6), 002 §10(2)) and the correction of each finding
    path("contracts/<int:pk>/inspections/", inspections.inspection_list, name="inspection_list"),
    path("contracts/<int:pk>/inspections/new/", inspections.inspection_record, name="inspection_record"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("findings/<int:pk>/correct/", inspections.finding_correct, name="finding_correct"),
]
