from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from clauses.library import read_file
from clauses.models import ClauseTemplate
from clauses.services import TemplateError, clause_library_load


class Command(BaseCommand):
    help = "The clause library: list loaded templates, validate files, load the library."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Print every loaded template version.")
        validate = sub.add_parser("validate", help="Check files; exit 1 when any has a problem.")
        validate.add_argument("files", nargs="+")
        load = sub.add_parser("load", help="Load the library (or the given files); all or nothing.")
        load.add_argument("files", nargs="*")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_list(self, **options):
        rows = ClauseTemplate.objects.annotate(
            n_articles=Count("articles", distinct=True), n_obligations=Count("obligations", distinct=True)
        ).order_by("template_id", "version")
        if not rows:
            self.stdout.write("No templates loaded. Run: manage.py clause_library load")
        for t in rows:
            self.stdout.write(
                f"{t.template_id}\t{t.version}\t{t.title}\t{t.issuer}\t"
                f"articles={t.n_articles}\tobligations={t.n_obligations}"
            )

    def do_validate(self, files, **options):
        failed = 0
        for name in files:
            _data, problems = read_file(name)
            for problem in problems:
                self.stderr.write(str(problem))
            self.stdout.write(f"{name}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
            failed += bool(problems)
        if failed:
            raise CommandError(f"{failed} file(s) with problems")

    def do_load(self, files, **options):
        try:
            results = clause_library_load(files=[Path(f) for f in files] or None)
        except TemplateError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError("Nothing was loaded.") from exc
        for template, created in results:
            state = "loaded" if created else "unchanged"
            self.stdout.write(f"{state}: {template.template_id} {template.version}")
