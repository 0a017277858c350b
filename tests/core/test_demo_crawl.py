"""The demo as every demo user meets it: no page reachable by a link answers a server error, and
the reminder sweep with its deliveries runs for all of them without raising (issue 8 §2).

`seed_demo` is run as `make run` runs it; then each demo user logs in through the login page
with the seeder's password and follows every same-origin a[href] from the home page, breadth
first. Left out: the logout link, the health check, static and media files, other origins and
fragments. Dedupe is
by path + query; a path is fetched with at most QUERY_VARIANTS query strings (pages, filters and
dates repeat the same view), and files (PDF, xlsx, iCalendar) are fetched once for all users,
by the first user that reaches them, because rendering them dominates the run and their content
does not depend on who asks (their access rules are the matrix's business). PAGE_CAP bounds
each user's crawl as a safety net; the test fails if it is reached, so that it never silently
stops short of the demo.

Every HTML page is also read as a person reads it (its text, not its markup): no raw code, object
id or JSON may show (issue 10: 「attestation.confirmed」, 「contracts.person:17」, JSON in 詳細).
"""

from __future__ import annotations

import io
import re
import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from compliance import tasks as compliance_tasks
from compliance.models import Reminder
from core.audit import known_event_kinds
from core.demo import DEMO_PASSWORD, seed_demo
from ledgers.models import FindingCorrection, Inspection

PAGE_CAP = 600
_KINDS: list[str] = []
QUERY_VARIANTS = 3
FILE_SUFFIXES = (".pdf", ".xlsx", ".ics", ".csv")
# /healthz answers 503 on purpose when no Celery worker has beaten (none runs in this test):
# tests/core/test_health.py covers it.
SKIP_PREFIXES = ("/static/", "/media/", "/logout/", "/healthz")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


class _Text(HTMLParser):
    """The text a person sees: no markup, no attribute values, nothing in script or style."""

    HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


# What a person must never read. Event kinds are matched as the registered words themselves; the
# rest by shape: an object reference (app.model:pk), a snake_case code (a choice value, a field
# name), and JSON (a quoted key followed by a colon, or an opening brace with a quoted key).
_RAW_SHAPES = {
    "object reference": re.compile(r"\b[a-z_]+\.[a-z_]+:\d+\b"),
    "code": re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@.-])"),
    "JSON": re.compile(r"\{\s*\"|\"[^\"\n]{1,40}\"\s*:\s*[\[{\"\d]"),
}


def _raw_codes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    found = [f"event kind {k!r}" for k in _KINDS if re.search(rf"(?<![\w.@/-]){re.escape(k)}(?![\w-])", text)]
    for name, shape in _RAW_SHAPES.items():
        found += [f"{name} {m.group(0)!r}" for m in shape.finditer(text)][:3]
    return found


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "") or parts.netloc not in ("testserver", ""):
            continue  # mailto:, other origins
        if not parts.path or parts.path.startswith(SKIP_PREFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _crawl(client: Client, files_seen: set[str], raw: dict[str, list[str]]) -> tuple[dict[str, int], int]:
    """Every page reachable from home: {url: status} of the failures, and how many were fetched;
    raw codes seen on a page are added to `raw` by url."""
    queue, seen = deque(["/"]), {"/"}
    variants: dict[str, int] = {}
    failures: dict[str, int] = {}
    fetched = 0
    while queue:
        url = queue.popleft()
        fetched += 1
        assert fetched <= PAGE_CAP, f"the crawl passed {PAGE_CAP} pages: raise the cap or look for a loop"
        response = client.get(url)
        if response.status_code >= 500:
            failures[url] = response.status_code
        if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        html = response.content.decode()
        if found := _raw_codes(html):
            raw.setdefault(url, found)
        for link in _links(f"http://testserver{url}", html):
            path, _, query = link.partition("?")
            if link in seen or (path.endswith(FILE_SUFFIXES) and path in files_seen):
                continue
            if query:
                if variants.get(path, 0) >= QUERY_VARIANTS:
                    continue
                variants[path] = variants.get(path, 0) + 1
            seen.add(link)
            if path.endswith(FILE_SUFFIXES):
                files_seen.add(path)
            queue.append(link)
    return failures, fetched


@pytest.mark.django_db(transaction=False)
def test_every_demo_user_crawls_the_demo_without_a_server_error(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True  # seed_demo runs only in development, as `make run` does
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False  # pages as in production: a server error is a 500, not a debug page
    logins = seed_demo()  # the second run adds nothing and lists the logins
    # An inspection with a finding and its correction (ledgers.demo.seed_inspections), made once.
    demo_inspections = Inspection.objects.filter(contract__number="R7-DEMO-002")
    assert demo_inspections.count() == 1 and demo_inspections.get().result == "findings"
    assert FindingCorrection.objects.filter(finding__inspection__in=demo_inspections).count() == 1
    seeded = time.monotonic()

    global _KINDS
    _KINDS = sorted(known_event_kinds())
    files_seen: set[str] = set()
    failures: dict[str, dict[str, int]] = {}
    raw: dict[str, dict[str, list[str]]] = {}
    pages = 0
    for demo in logins:
        client = Client(raise_request_exception=False)
        response = client.post("/login/", {"username": demo.login, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{demo.login} could not log in"
        seen_raw: dict[str, list[str]] = {}
        found, fetched = _crawl(client, files_seen, seen_raw)
        pages += fetched
        if found:
            failures[demo.login] = found
        if seen_raw:
            raw[demo.login] = seen_raw
    crawled = time.monotonic()
    assert not failures, f"server errors: {failures}"
    assert not raw, "raw codes on pages:\n" + "\n".join(
        f"{login} {url}: {found}" for login, pages_ in raw.items() for url, found in pages_.items()
    )
    assert pages > 20 * len(logins)  # the crawl really went past the home pages

    # The beat's reminder sweep and the deliveries it queues after commit, for everyone at once.
    with django_capture_on_commit_callbacks(execute=True):
        compliance_tasks.sweep_reminders.delay()
    with django_capture_on_commit_callbacks(execute=True):
        compliance_tasks.deliver_pending_reminders.delay()
    recipients = set(Reminder.objects.values_list("recipient__email", flat=True))
    assert recipients, "the demo's overdue duties remind nobody"
    print(
        f"\nseed {seeded - started:.1f} s, crawl of {pages} pages as {len(logins)} users "
        f"{crawled - seeded:.1f} s, sweep and delivery {time.monotonic() - crawled:.1f} s, "
        f"{Reminder.objects.count()} reminders to {len(recipients)} people"
    )
