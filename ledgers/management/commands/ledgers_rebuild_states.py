from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ledgers.models import InformationItem
from ledgers.services.states import states_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the information ledger's per-item states (the list page's projection) from the "
        "custody events: every contract's, or one contract's with --contract. For repair: the "
        "custody services keep the states as they record each event."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contract", type=int, help="the id of the one contract to rebuild")

    def handle(self, *args, **options):
        items = InformationItem.objects.order_by("pk")
        if options["contract"] is not None:
            items = items.filter(contract_id=options["contract"])
            if not items.exists():
                raise CommandError(f"Contract {options['contract']} has no information items.")
        # One transaction: a page read meanwhile sees the old rows or the new, never half of each.
        with transaction.atomic():
            count = states_rebuild(items)
        self.stdout.write(self.style.SUCCESS(f"{count} information item states rebuilt from their events."))
