"""Hostile input on every URL of the project (hypothesis): no answer is a server error, and an
answer that refuses the input writes nothing.

It walks the authorisation matrix (tests/core/authorisation/): for every URL, the
first actor the matrix lets in on side a's object (preferring the roles that can write), logged in
as the matrix does. For a page, the forms it renders are read from its HTML: the fields of its
POST forms are posted with hypothesis-drawn values — a field keeps its valid value or gets a
hostile one (very long text, NUL, invalid or overflowing dates, non-numeric and non-ASCII ids,
markup, garbage files) — and its GET forms' fields (filters) are sent as a query. A POST-only URL
gets the matrix's own body, made hostile the same way.

"Refused" means a 4xx answer, a form shown again with errors, or a redirect with an error message;
then the database must be as it was: the row counts of every model of the project and the events
that record changes (reads and failed log-ins are allowed to be on the record). The examples per
URL are few (the URL list is long) and the run is bounded to about a minute.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import ERROR
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Event, Role
from core.services import invitations as invitation_services
from tests.core.authorisation import assembly as matrix
from tests.core.authorisation.world import mw  # noqa: F401 — the matrix's objects, once per module

# Examples per URL; HOSTILE_EXAMPLES=50 for a deeper run by hand.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "4"))
HOSTILE_TEXTS = [
    "",
    " ",
    "\x00",
    "名前\x00",
    "あ" * 20_000,
    "x" * 5_001,
    "9999-12-31",
    "0001-01-01",
    "2025-02-30",
    "10000-01-01",
    "²",
    "١٢٣",
    "１２",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "../../etc/passwd",
    "%00",
    "\r\n\r\n",
    "𠮷野家",
]
# The values that took pages down before these bounds (tried on every field of every URL).
KILLERS = ["名前\x00", "²", "9999-12-31", str(10**25), "あ" * 20_000]
hostile = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.sampled_from(KILLERS), st.text(max_size=40))
hostile_file = st.binary(max_size=300).map(lambda b: SimpleUploadedFile("hostile.xlsx", b))

# Whose view of a URL is driven: the first of these the matrix lets in (so writes are reached).
PREFERRED_ACTORS = (
    "contractor_admin",
    "client_admin",
    "client_staff",
    "site_admin",
    "auditor",
    "contractor_staff",
)
FILTER_NAMES = ("page", "on", "since", "until", "start", "end", "held_on", "kind", "status", "m")
# Models whose rows are bookkeeping of the request itself, not the project's data.
NOT_DATA = {"sessions", "axes", "contenttypes", "admin", "auth"}
READ_KINDS = r"\.(viewed|printed|exported|downloaded)$"


class _Forms(HTMLParser):
    """The forms of a page: method, action, and each field's candidate values (files apart)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action") or "",
                    "fields": {},
                    "files": set(),
                }
            )
            return
        if not self.forms:
            return
        form, name = self.forms[-1], a.get("name")
        if not name or name == "csrfmiddlewaretoken":
            return
        values = form["fields"].setdefault(name, [])
        if tag == "input" and a.get("type") == "file":
            form["files"].add(name)
            del form["fields"][name]
        elif tag == "input":
            values.append(a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "button" and a.get("value") is not None:
            values.append(a["value"])
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            values.append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea][-1] += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def unknown_decl(self, data):  # pragma: no cover — malformed markup is not ours to judge
        pass


class _Options(_Forms):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self._select and self.forms:
            value = dict(attrs).get("value")
            if value is not None:
                self.forms[-1]["fields"].setdefault(self._select, []).append(value)
            return
        super().handle_starttag(tag, attrs)


def _page_forms(content: bytes, path: str) -> tuple[dict, set, dict]:
    """(POST fields with a valid-looking value, file fields, GET fields) of the forms aimed at `path`."""
    parser = _Options()
    parser.feed(content.decode("utf-8", "replace"))
    post, files, get = {}, set(), {}
    for form in parser.forms:
        if form["action"] and urlsplit(form["action"]).path != path:
            continue
        target = post if form["method"] == "post" else get
        for name, values in form["fields"].items():
            target.setdefault(name, next((v for v in values if v), values[0] if values else ""))
        if form["method"] == "post":
            files |= form["files"]
    return post, files, get


def _data_models():
    return [m for m in apps.get_models() if m._meta.app_label not in NOT_DATA and m is not Event]


def _snapshot() -> dict:
    counts = {m._meta.label: m._default_manager.count() for m in _data_models()}
    counts["events that change something"] = (
        Event.objects.exclude(kind__regex=READ_KINDS).exclude(kind__startswith="auth.").count()
    )
    return counts


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code == 302:
        if response.headers.get("Location", "").startswith(reverse("core:login")):
            return True
        # Only what this request said (earlier, never-shown messages wait in the session).
        queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
        return any(m.level >= ERROR for m in queued)
    return b'class="errorlist' in response.content or b"errorlist" in response.content


def _choose(row) -> tuple[str, str]:
    cells = row.expectations()
    targets = [t for t in row.targets if not t.endswith("_b") and t != "foreign"] or list(row.targets)
    for actor in PREFERRED_ACTORS:
        for target in targets:
            if cells[(actor, target)] in ("200", "R") or "200" in cells[(actor, target)].split("|"):
                return actor, target
    return matrix.ANON, targets[0]


def _fake_pdf(*args, **kwargs) -> bytes:
    return b"%PDF-1.7 hostile"


@pytest.fixture(scope="module", autouse=True)
def fast_pdf():
    """What is tested is the handling of input, not WeasyPrint (tests/core/test_pdf.py does that):
    the HTML of every form is still rendered from the hostile values, only the PDF step is faked.
    Autouse and module-wide, so it also covers building the matrix's objects, which happens in
    one transaction (where core.pdf would refuse to render after the first event)."""
    from core import pdf

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "render_pdf", _fake_html_pdf)
        yield


def _fake_html_pdf(template_name: str, context: dict, **options) -> bytes:
    from django.template.loader import render_to_string

    render_to_string(template_name, {**context, "pdf_body_font": "serif"})  # meets the hostile values
    return _fake_pdf()


def _drive(*, post: dict, files: set, get: dict):
    """Hypothesis' requests: each field its valid value or a hostile one; garbage files; filters."""
    post_values = st.fixed_dictionaries({k: st.one_of(st.just(v), hostile) for k, v in post.items()})
    file_values = st.fixed_dictionaries({k: st.one_of(st.none(), hostile_file) for k in sorted(files)})
    get_values = st.fixed_dictionaries({k: st.one_of(st.just(v), hostile) for k, v in get.items()})
    extra = st.dictionaries(st.sampled_from(FILTER_NAMES), hostile, max_size=3)
    return st.tuples(post_values, file_values, get_values, extra)


URLS = sorted(matrix.MATRIX)


@pytest.mark.parametrize("name", URLS)
def test_hostile_input_never_breaks_a_page_or_half_writes(client, db, mw, monkeypatch, name):  # noqa: F811
    row = matrix.MATRIX[name]
    for path, replacement in row.patches.items():
        monkeypatch.setattr(path, replacement)
    actor, target = _choose(row)
    # A status the matrix declares for the cell is the page's own answer (healthz: 503 without a
    # broker), not a failure to handle input; anything else from 500 up is.
    declared = {int(c) for c in row.expectations()[(actor, target)].split("|") if c.isdigit() and c.isascii()}

    def fine(status: int) -> bool:
        return status < 500 or status in declared

    user = mw.users[actor]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=row.targets[target](mw))
    if row.method == matrix.POST:
        base = {k: str(v) for k, v in (row.data(mw, user, target) if row.data else {}).items()}
        post, files, get = base or {"id": "1"}, set(), {}
    else:
        page = client.get(url)
        assert fine(page.status_code)
        is_html = page.headers.get("Content-Type", "").startswith("text/html")
        post, files, get = _page_forms(page.content, urlsplit(url).path) if is_html else ({}, set(), {})

    def send(post_data: dict, file_data: dict, query: dict) -> None:
        if row.method == matrix.POST or post:
            body = {**post_data, **{k: v for k, v in file_data.items() if v is not None}}
            for upload in body.values():
                if isinstance(upload, SimpleUploadedFile):
                    upload.seek(0)
            before = _snapshot()
            response = client.post(url, body)
            assert fine(response.status_code), f"POST {name} {body!r:.300}"
            if _refused(response):
                assert _snapshot() == before, f"POST {name} was refused ({response.status_code}) but wrote"
        response = client.get(url, query)
        assert fine(response.status_code), f"GET {name} {query!r:.300}"

    # First every field at once with each of the values that broke pages before (so they are
    # never left to chance), then hypothesis' mixtures of valid and hostile values.
    for killer in KILLERS:
        send(dict.fromkeys(post, killer), {}, dict.fromkeys([*get, *FILTER_NAMES], killer))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(_drive(post=post, files=files, get=get))
    def run(drawn):
        post_data, file_data, get_data, extra = drawn
        send(post_data, file_data, {**get_data, **extra})

    run()


def _invitation_link(built, email: str) -> str:
    admin = built.world.a.client_admin
    _invitation, token = invitation_services.invitation_create(
        actor=admin.user,
        actor_membership=admin,
        organisation=built.world.a.body,
        email=email,
        role=Role.AUDITOR,
    )
    return reverse("core:invitation_accept", args=[token])


@pytest.mark.parametrize("who", ["newcomer", "existing"])
def test_hostile_input_on_an_invitation_page(client, db, mw, who):  # noqa: F811
    """The one page that writes without a log-in (the matrix only knows an unknown link)."""
    email = "hostile-newcomer@example.jp" if who == "newcomer" else mw.world.b.auditor.user.email
    url = _invitation_link(mw, email)
    post, _files, _get = _page_forms(client.get(url).content, url)
    assert post, "the invitation page shows its form"

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(st.fixed_dictionaries(dict.fromkeys(post, hostile)))
    def run(body):
        before = _snapshot()
        response = client.post(url, body)
        assert response.status_code < 500, repr(body)[:300]
        if response.status_code != 302:
            assert _snapshot() == before

    run()


def test_every_url_of_the_project_is_driven():
    # The matrix fails the build for a URL without a row; this test drives every row.
    assert set(URLS) == set(matrix.MATRIX) and len(URLS) > 80


def test_ids_past_any_database_integer_are_not_found(client, db, mw):  # noqa: F811
    """<int:pk> lets any digits through: 2**70 must be "not found", never an overflow."""
    driven = 0
    for name in URLS:
        row = matrix.MATRIX[name]
        actor, target = _choose(row)
        kwargs = row.targets[target](mw)
        if not any(isinstance(v, int) for v in kwargs.values()):
            continue
        if mw.users[actor] is not None:
            client.force_login(mw.users[actor])
        huge = {k: (2**70 if isinstance(v, int) else v) for k, v in kwargs.items()}
        response = getattr(client, row.method)(reverse(name, kwargs=huge))
        assert response.status_code < 500, name
        driven += 1
    assert driven > 50
