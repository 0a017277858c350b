from django.apps import AppConfig


class ApprovalsTestConfig(AppConfig):
    name = "tests.approvals_app"
    label = "approvals_test"

    def ready(self) -> None:
        # The kit's registry (core.approvables): the test approvable is listed on the home pages.
        from tests.approvals_app import approvables

        approvables.register()
