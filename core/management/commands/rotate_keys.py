from django.core.management.base import BaseCommand

from core.crypto import keyring
from core.services.keys import master_key_rotate


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the current master key (the first of FIELD_ENCRYPTION_KEYS). "
        "Run after putting a new key first; then the old key can be removed."
    )

    def handle(self, *args, **options):
        count = master_key_rotate(actor=None)
        self.stdout.write(
            self.style.SUCCESS(f"{count} data keys re-wrapped under master key {keyring().current_id!r}.")
        )
