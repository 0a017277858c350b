"""URLs of the incidents app, in the `incidents` namespace ("incidents:incident_list")."""

from django.urls import path

from incidents.views import appi, incidents

app_name = "incidents"

urlpatterns = [
    # A contract's incidents (事故), and the first report (000 §16, 001 §24, 002 §18, 003 §17, 004 §12)
    path("contracts/<int:pk>/incidents/", incidents.incident_list, name="incident_list"),
    path("contracts/<int:pk>/incidents/new/", incidents.incident_report, name="incident_report"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    # The timeline: the reporting side's entries, the public body's acknowledgement, instruction
    # and closure, and an instruction's acknowledgement
    path("incidents/<int:pk>/update/", incidents.incident_update, name="incident_update"),
    path("incidents/<int:pk>/acknowledge/", incidents.incident_acknowledge, name="incident_acknowledge"),
    path("incidents/<int:pk>/instruct/", incidents.incident_instruct, name="incident_instruct"),
    path("incidents/<int:pk>/close/", incidents.incident_close, name="incident_close"),
    # The public body's APPI judgement, the reports it sent to the Commission, the draft report
    path("incidents/<int:pk>/appi/judge/", appi.appi_judge, name="appi_judge"),
    path("incidents/<int:pk>/appi/report/", appi.appi_report, name="appi_report"),
    path("incidents/<int:pk>/appi/draft.pdf", appi.appi_draft, name="appi_draft"),
    path("incidents/<int:pk>/appi/draft.xlsx", appi.appi_draft, {"fmt": "xlsx"}, name="appi_draft_xlsx"),
    path(
        "instructions/<int:pk>/acknowledge/",
        incidents.instruction_acknowledge,
        name="instruction_acknowledge",
    ),
]
