"""URLs of the training feature (included by contracts.urls)."""

from django.urls import path

from contracts import views_training as views

urlpatterns = [
    # Overview per contract: plan status, sessions, people without training in the period
    path("contracts/<int:pk>/training/", views.training, name="training"),
    path(
        "contracts/<int:pk>/training/sessions/new/",
        views.training_session_create,
        name="training_session_create",
    ),
    path("training-sessions/<int:pk>/", views.training_session, name="training_session"),
    path(
        "training-sessions/<int:pk>/attendance/",
        views.training_session_attendance,
        name="training_session_attendance",
    ),
    path("training-sessions/<int:pk>/materials", views.training_material, name="training_material"),
    # The training plan (教育実施計画書), approved by the public body (004 §3.4)
    path("contracts/<int:pk>/training/plans/new/", views.training_plan_create, name="training_plan_create"),
    path("training-plans/<int:pk>/", views.training_plan, name="training_plan"),
    path("training-plans/<int:pk>/edit/", views.training_plan_edit, name="training_plan_edit"),
    path("training-plans/<int:pk>/act/", views.training_plan_act, name="training_plan_act"),
    path("training-plans/<int:pk>/plan.pdf", views.training_plan_pdf, name="training_plan_pdf"),
    # The report of results (教育実施報告書, 001 §9, 002 §6, 004 §3.5)
    path(
        "contracts/<int:pk>/training/reports/new/",
        views.training_report_create,
        name="training_report_create",
    ),
    path("training-reports/<int:pk>/", views.training_report, name="training_report"),
    path("training-reports/<int:pk>/edit/", views.training_report_edit, name="training_report_edit"),
    path("training-reports/<int:pk>/act/", views.training_report_act, name="training_report_act"),
    path("training-reports/<int:pk>/report.pdf", views.training_report_pdf, name="training_report_pdf"),
]
