import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.services.users import site_admin_create


class Command(BaseCommand):
    help = "Create a site administrator (the first account of a new installation)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="Read from the terminal when omitted.")

    def handle(self, *args, email, name, password, **options):
        password = password or getpass.getpass("Password: ")
        try:
            user = site_admin_create(email=email, password=password, full_name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Site administrator {user.email} created."))
