"""The portal's one PDF engine: Django template under templates/pdf/ → WeasyPrint → A4 PDF.

Apps register their forms here under a form id ("<app_label>.<name>"), obligations store that id,
and reminders/exports ask the engine for it with :func:`render_form`. That way no app imports
another app's templates or views just to print a form.

Register forms at import time of the app's own module (e.g. from ``AppConfig.ready()``) so the
registry is complete before any reminder or export asks for an id.

Two rules keep a render from taking the portal down (docs/performance.md):

* **A time limit.** WeasyPrint runs in a long-lived child process (core.pdf_worker), which is
  killed when ``PDF_RENDER_TIMEOUT`` seconds pass: a thread cannot be stopped and ``signal.alarm``
  works only in a main thread, so this is the one mechanism that works alike in gunicorn's
  threads and in Celery's prefork children (where multiprocessing may not start children). A
  runaway render raises :class:`PdfRenderTimeout`; the web or Celery worker lives on. At most
  ``PDF_RENDER_PROCESSES`` renders run at once per process; the others wait within the limit.
* **Never under the audit trail's lock.** The chain lock is portal-wide and held until COMMIT
  (core.audit): rendering after a transaction's first event makes every other writer wait. So
  :func:`render_pdf` refuses (:class:`PdfUnderChainLock`) when the current transaction holds it;
  render first, then record.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = [
    "PdfForm",
    "PdfRenderError",
    "PdfRenderTimeout",
    "PdfUnderChainLock",
    "StaticFilesOnlyURLFetcher",
    "get_form",
    "pdf_sha256",
    "register_form",
    "registered_form_ids",
    "registered_forms",
    "render_form",
    "render_pdf",
]

# The forms are Japanese official documents handed to public bodies: the UI language of whoever
# pressed the button must not turn their title or any {% translate %} in them into English.
PDF_LANGUAGE = "ja"

DEFAULT_BODY_FONT = "IPAexMincho"
_FONT_FAMILY_RE = re.compile(r"[\w .-]+")


@dataclass(frozen=True)
class PdfForm:
    form_id: str
    template_name: str
    # Lazy so that registering at import time does not freeze the language; rendered in Japanese.
    title: str | Promise
    # Builds the template context for a subject (e.g. a duty), so reminders and exports can ask
    # for a pre-filled form by id without knowing the app that owns it.
    prefill: Callable[[Any], dict[str, Any]] | None = field(default=None, compare=False)


_registry: dict[str, PdfForm] = {}
# Registration normally happens under the import lock, but a late import from a worker thread must
# not race a reader iterating the registry.
_registry_lock = threading.Lock()


def register_form(
    form_id: str,
    *,
    template_name: str,
    title: str | Promise,
    prefill: Callable[[Any], dict[str, Any]] | None = None,
) -> PdfForm:
    """Register a form under ``form_id``; registering the same id and template again is a no-op.

    Re-registration is tolerated because the dev autoreloader and tests may import a module twice;
    the same id pointing at a different template is a real clash between apps and is refused.
    """
    if not form_id or form_id != form_id.strip() or any(ch.isspace() for ch in form_id):
        raise ValueError(f"PDF form id must be non-empty and contain no whitespace: {form_id!r}")
    if not template_name:
        raise ValueError(f"PDF form {form_id!r} needs a template_name")
    form = PdfForm(form_id=form_id, template_name=template_name, title=title, prefill=prefill)
    with _registry_lock:
        existing = _registry.get(form_id)
        if existing is not None:
            if existing.template_name != template_name:
                raise ValueError(
                    f"PDF form id {form_id!r} is already registered with template "
                    f"{existing.template_name!r}; refusing {template_name!r}"
                )
            return existing
        _registry[form_id] = form
    return form


def get_form(form_id: str) -> PdfForm:
    with _registry_lock:
        form = _registry.get(form_id)
        if form is None:
            known = ", ".join(sorted(_registry)) or "(none)"
            # An unknown id usually means an obligation points at a form whose app has not been
            # imported yet, or a typo in data: name what is known so the log says which.
            raise KeyError(f"Unknown PDF form id {form_id!r}; registered form ids: {known}")
        return form


def registered_forms() -> list[PdfForm]:
    with _registry_lock:
        return sorted(_registry.values(), key=lambda form: form.form_id)


def registered_form_ids() -> frozenset[str]:
    """Every form id some app registers (the clause validator refuses an obligation naming another)."""
    with _registry_lock:
        return frozenset(_registry)


class StaticFilesOnlyURLFetcher(URLFetcher):
    """Lets WeasyPrint read files under ``BASE_DIR/static`` and nothing else.

    PDFs are rendered in request and worker processes with user-entered text in the context; a
    template mistake must never make the server fetch a remote URL (SSRF, slow renders) or read
    arbitrary local files into a document that leaves the building.
    """

    def __init__(self, static_root: Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        root = static_root if static_root is not None else Path(settings.BASE_DIR) / "static"
        self.static_root = root.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self.check_url(url)
        return super().fetch(url, headers)

    def check_url(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise ValueError(f"PDF rendering may not fetch {url!r}: only file: URLs under static/")
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"PDF rendering may not fetch {url!r}: file URL on another host")
        # resolve() folds "..", and symlinks, so neither can step outside static/.
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.static_root):
            raise ValueError(f"PDF rendering may not fetch {url!r}: outside {self.static_root}")
        return path


def _body_font() -> str:
    # A setting, so that a deployment can switch to another installed Japanese font without
    # touching templates (base.html falls back to IPAex, then any serif). It is pasted into CSS,
    # so only a plain family name is accepted.
    family = getattr(settings, "PDF_FONT_FAMILY", "") or DEFAULT_BODY_FONT
    if not _FONT_FAMILY_RE.fullmatch(family):
        raise ImproperlyConfigured(f"PDF_FONT_FAMILY must be a plain font family name, got {family!r}")
    return family


class PdfRenderError(RuntimeError):
    """The PDF could not be made; the message can be shown to the person who asked."""


class PdfRenderTimeout(PdfRenderError):
    """The render passed PDF_RENDER_TIMEOUT and was stopped."""


class PdfUnderChainLock(RuntimeError):
    """A render was asked for while the transaction holds the audit trail's lock (a bug)."""


DEFAULT_RENDER_TIMEOUT = 20.0  # seconds; a form at its fields' limits takes well under 5 s
DEFAULT_RENDER_PROCESSES = 2
# Forms are bounded by their fields' limits; this only stops a template mistake or a huge list
# from building a document no time limit would let through anyway.
MAX_HTML_BYTES = 8 * 1024 * 1024
# Importing WeasyPrint and loading the fonts, once per child.
_STARTUP_TIMEOUT = 60.0


class _Child:
    """One core.pdf_worker process, used by one render at a time."""

    def __init__(self) -> None:
        root = str(settings.BASE_DIR)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self.pid_of_parent = os.getpid()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "core.pdf_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            env=env,
        )
        try:
            meta, _payload = self._read_frame(time.monotonic() + _STARTUP_TIMEOUT)
        except BaseException:
            self.kill()
            raise
        if not meta.get("ready"):
            self.kill()
            raise PdfRenderError("PDF renderer did not start")

    def render(self, html: bytes, deadline: float) -> bytes:
        from core.pdf_worker import write_frame

        static_root = str((Path(settings.BASE_DIR) / "static").resolve())
        write_frame(self.proc.stdin, {"base_url": str(settings.BASE_DIR), "static_root": static_root}, html)
        meta, payload = self._read_frame(deadline)
        if not meta.get("ok"):
            raise PdfRenderError(meta.get("error") or "PDF rendering failed")
        return payload

    def _read_exact(self, size: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks, got = [], 0
        while got < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise PdfRenderTimeout
            chunk = os.read(fd, size - got)
            if not chunk:
                raise PdfRenderError("PDF renderer exited")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float) -> tuple[dict, bytes]:
        head = self._read_exact(4, deadline)
        meta = json.loads(self._read_exact(int.from_bytes(head, "big"), deadline))
        return meta, self._read_exact(meta["size"], deadline)

    def alive(self) -> bool:
        return self.pid_of_parent == os.getpid() and self.proc.poll() is None

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            stream.close()


_idle: list[_Child] = []
_pool_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _render_slots() -> threading.BoundedSemaphore:
    global _slots
    with _pool_lock:
        if _slots is None:
            count = int(getattr(settings, "PDF_RENDER_PROCESSES", DEFAULT_RENDER_PROCESSES))
            _slots = threading.BoundedSemaphore(max(1, count))
        return _slots


def render_timeout() -> float:
    return float(getattr(settings, "PDF_RENDER_TIMEOUT", DEFAULT_RENDER_TIMEOUT))


def _html_to_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """HTML → PDF in a child process, stopped after `timeout` seconds (PdfRenderTimeout)."""
    data = html.encode("utf-8")
    if len(data) > MAX_HTML_BYTES:
        raise PdfRenderError(f"document too large to render ({len(data)} bytes of HTML)")
    timeout = render_timeout() if timeout is None else timeout
    slots = _render_slots()
    if not slots.acquire(timeout=timeout):
        raise PdfRenderTimeout("no PDF renderer became free in time")
    try:
        with _pool_lock:
            child = None
            while _idle and child is None:
                candidate = _idle.pop()
                child = candidate if candidate.alive() else None
        if child is None:
            child = _Child()  # startup is not charged to the render's time limit
        deadline = time.monotonic() + timeout
        try:
            result = child.render(data, deadline)
        except PdfRenderTimeout:
            child.kill()  # the only way to stop WeasyPrint mid-layout
            raise PdfRenderTimeout(f"PDF rendering stopped after {timeout:g} s") from None
        except BaseException:
            child.kill()
            raise
        with _pool_lock:
            _idle.append(child)
        return result
    finally:
        slots.release()


def _refuse_under_chain_lock() -> None:
    from core.audit import chain_lock_held

    if chain_lock_held():
        raise PdfUnderChainLock(
            "A PDF is being rendered while this transaction holds the audit trail's lock: every other "
            "request that records an event would wait for it. Render before the first event."
        )


def render_pdf(template_name: str, context: dict[str, Any], *, timeout: float | None = None) -> bytes:
    """Render a Django template to PDF bytes. The template should extend ``pdf/base.html``.

    Raises PdfRenderTimeout past the time limit (``timeout``, else PDF_RENDER_TIMEOUT: a Celery
    task that prepares a large export may allow more than a web request), PdfUnderChainLock
    under the audit trail's lock.
    """
    _refuse_under_chain_lock()
    # Last, so a caller cannot slip unchecked text into the <style> block through this key.
    context = {**context, "pdf_body_font": _body_font()}
    with translation.override(PDF_LANGUAGE):
        html = render_to_string(template_name, context)
    return _html_to_pdf(html, timeout=timeout)


def render_form(form_id: str, context: dict[str, Any], *, timeout: float | None = None) -> bytes:
    form = get_form(form_id)
    # The engine's own form wins over a caller's "form" key: base.html relies on its attributes.
    return render_pdf(form.template_name, {**context, "form": form}, timeout=timeout)


def render_form_for(form_id: str, subject: Any) -> bytes:
    """The form pre-filled for `subject` by the form's own prefill function."""
    form = get_form(form_id)
    if form.prefill is None:
        raise ValueError(f"PDF form {form_id!r} has no prefill function")
    return render_form(form_id, form.prefill(subject))


def pdf_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


register_form("core.sample", template_name="pdf/core/sample_form.html", title=_("様式見本"))
