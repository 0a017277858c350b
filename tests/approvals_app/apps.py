from django.apps import AppConfig


class ApprovalsTestConfig(AppConfig):
    name = "tests.approvals_app"
    label = "approvals_test"
