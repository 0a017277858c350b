from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; exit 1 when an entry was altered, removed or inserted."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"OK: {report.checked} entries, last hash {report.last_hash}")
            )
            return
        raise CommandError(
            f"BROKEN at entry #{report.first_bad_id}: {report.reason} "
            f"({report.checked} entries before it intact)"
        )
