from django.urls import path

from compliance.views import calendar, duties, submissions

app_name = "compliance"

urlpatterns = [
    path("contracts/<int:pk>/request/", duties.duty_request, name="duty_request"),
    path("duties/<int:pk>/waive/", duties.duty_waive, name="duty_waive"),
    path("duties/<int:pk>/", duties.duty_detail, name="duty_detail"),
    path("duties/<int:pk>/attest/", duties.duty_attest, name="duty_attest"),
    path("duties/<int:pk>/evidence/<int:file_pk>/", duties.duty_evidence_file, name="duty_evidence_file"),
    path("duties/<int:pk>/submit/", submissions.duty_submit, name="duty_submit"),
    path("submissions/<int:pk>/", submissions.duty_submission, name="duty_submission"),
    path("submissions/<int:pk>/act/", submissions.duty_submission_act, name="duty_submission_act"),
    path(
        "submissions/<int:pk>/files/<int:file_pk>/",
        submissions.duty_submission_file,
        name="duty_submission_file",
    ),
    path("duties/<int:pk>/form.pdf", duties.duty_form_pdf, name="duty_form_pdf"),
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
