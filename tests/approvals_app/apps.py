from django.apps import AppConfig


class ApprovalsTestConfig(AppConfig):
    name = "tests.approvals_app"
    label = "approvals_test"

    def ready(self) -> None:
        # The shared workflow's tests approve an Application under the event prefix "application".
        from core.audit import register_event_kinds
        from core.events import approval_event_kinds

        register_event_kinds("approvals_test", approval_event_kinds("application", "Application"))
        # The kit's registry (core.approvables): the test approvable is listed on the home pages.
        from tests.approvals_app import approvables

        approvables.register()
