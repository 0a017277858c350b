import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import seed_demo
from core.models import Role


class Command(BaseCommand):
    help = "Create (or keep) the demo organisations and users for every role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the demo logins as JSON.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (the demo passwords are public: never on a real installation).",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO_DATA_ALLOWED) and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates accounts with public passwords; it runs only with the dev "
                "settings or DEBUG on."
            )
        logins = seed_demo()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "role": x.role,
                            "organisation": x.organisation,
                            "login": x.login,
                            "password": x.password,
                        }
                        for x in logins
                    ],
                    ensure_ascii=False,
                )
            )
            return
        labels = dict(Role.choices) | {"site_admin": "サイト管理者"}
        self.stdout.write("Demo logins (dev only) — ロール / 組織 / ログイン / パスワード")
        for x in logins:
            self.stdout.write(f"  {labels[x.role]!s:<28} {x.organisation:<24} {x.login:<36} {x.password}")
