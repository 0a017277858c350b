"""The portal's one mechanism for uploaded files with personal data (docs/files.md).

Signed pledges, scans and evidence documents are checked by their content (never by the browser's
Content-Type or the file name), encrypted with AES-256-GCM under a scope's data key (a contract's
or an organisation's, core.crypto) and written as a random-named blob under
MEDIA_ROOT/files/YYYY/MM/. The StoredFile row keeps the (encrypted) original name, the type, the
size and the SHA-256 of the plaintext. Uploads, downloads and erasures are audit events.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.audit import record_event
from core.models import DataKey, StoredFile
from core.models.files import STORAGE_NAME_PATTERN, StoredFileType

__all__ = [
    "ALLOWED",
    "MAX_UPLOAD_BYTES",
    "FileErasedError",
    "file_response",
    "orphan_blob_paths",
    "orphan_blobs_remove",
    "pdf_active_content",
    "read_file",
    "sniff_content_type",
    "store_upload",
    "stored_file_erase",
]

# Content type → the magic bytes its content must start with.
ALLOWED: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
# Read once at import, like every setting; tests that change it patch this module attribute.
MAX_UPLOAD_BYTES: int = getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

READ_CHUNK_BYTES = 64 * 1024
# How many leading bytes sniff_content_type needs.
SNIFF_BYTES = max(len(magic) for magics in ALLOWED.values() for magic in magics)
# The extensions a download may carry for each type (the first is added when the name has none).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}

FILES_DIR = "files"
NONCE_BYTES = crypto.NONCE_BYTES
_STORAGE_NAME_RE = re.compile(rf"\A{STORAGE_NAME_PATTERN}\Z")


class FileErasedError(crypto.KeyDestroyedError):
    """The file was erased (stored_file_erase): its content is gone.

    A subclass of KeyDestroyedError, so that one `except crypto.KeyDestroyedError` covers both
    ways personal data is erased (the file itself, or the key of its whole scope).
    """


# --- type checks ---------------------------------------------------------------------------


def sniff_content_type(head: bytes) -> str | None:
    """The content type of a file from its first bytes (magic numbers only), or None if not allowed.

    The browser's Content-Type and the file name are never consulted: both are chosen by the
    uploader. This is a format check, not a malware scan (docs/files.md).
    """
    head = bytes(head[:SNIFF_BYTES])
    for content_type, magics in ALLOWED.items():
        if any(head.startswith(magic) for magic in magics):
            return content_type
    return None


# PDF names that make a viewer run code or start programs: /JavaScript and /JS (scripts),
# /Launch (start another program or open a file).
PDF_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch"})
# A PDF name token: "/" then regular characters (PDF 32000-1 §7.3.5); "#xx" escapes are decoded.
_PDF_NAME_RE = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_NAME_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
# "stream" that starts a stream's body (not the end of "endstream").
_PDF_STREAM_RE = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")


def _pdf_outside_streams(data: bytes) -> Iterator[bytes]:
    """The parts of a PDF between its streams' bodies (dictionaries, object syntax, trailers)."""
    pos = 0
    while True:
        match = _PDF_STREAM_RE.search(data, pos)
        if match is None:
            yield data[pos:]
            return
        yield data[pos : match.start()]
        end = data.find(b"endstream", match.end())
        if end == -1:
            return
        pos = end + len(b"endstream")


def pdf_active_content(data: bytes) -> set[str]:
    """The active-content names (/JavaScript, /JS, /Launch) found in a PDF's uncompressed syntax.

    A simple check, not a PDF parser: it reads the names outside stream bodies, decoding "#xx"
    escapes (so /J#61vaScript is caught). Stream bodies are skipped because compressed images
    would otherwise match "/JS" by chance. It does NOT see names inside compressed object streams
    (PDF 1.5+), so a deliberately crafted PDF passes; it stops the ordinary cases (forms with
    scripts, launch actions) and is documented as such in docs/files.md.
    """
    found: set[str] = set()
    for part in _pdf_outside_streams(data):
        for match in _PDF_NAME_RE.finditer(part):
            name = _PDF_NAME_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
            if name in PDF_ACTIVE_NAMES:
                found.add(name.decode())
    return found


# --- storing -------------------------------------------------------------------------------


def _limit_mb(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is too large. Files up to %(limit)s MB can be registered."),
        code="file_too_large",
        params={"limit": _limit_mb(MAX_UPLOAD_BYTES)},
    )


def _read_limited(uploaded: UploadedFile) -> bytes:
    """The whole upload, refusing it as soon as it passes MAX_UPLOAD_BYTES."""
    limit = MAX_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise _too_large()
    # read(n) rather than chunks(): an in-memory upload's chunks() yields everything at once.
    uploaded.seek(0)
    buffer = bytearray()
    while chunk := uploaded.read(READ_CHUNK_BYTES):
        buffer += chunk
        if len(buffer) > limit:
            raise _too_large()
    return bytes(buffer)


def _check_content(content: bytes) -> str:
    if not content:
        raise ValidationError(_("The file is empty."), code="file_empty")
    content_type = sniff_content_type(content[:SNIFF_BYTES])
    if content_type is None:
        raise ValidationError(_("Only PDF, JPEG and PNG files can be registered."), code="file_type")
    if content_type == StoredFileType.PDF and pdf_active_content(content):
        raise ValidationError(
            _(
                "This PDF contains scripts or instructions to start other programs, so it cannot be "
                "registered. Print it to a new PDF (or scan the paper) and register that."
            ),
            code="pdf_active_content",
        )
    return content_type


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _blob_path(storage_name: str) -> Path:
    # storage_name is generated here, but a tampered row must not reach outside MEDIA_ROOT/files.
    if not _STORAGE_NAME_RE.match(storage_name):
        raise ValueError(f"Not a storage name: {storage_name!r}")
    return _media_root() / storage_name


def _new_storage_name(now: datetime) -> str:
    # Random, never derived from the upload's name; year/month (UTC) only to keep folders small.
    now = now.astimezone(UTC)
    return f"{FILES_DIR}/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.bin"


def _aad(storage_name: str) -> bytes:
    # Binds the ciphertext to its name, so a blob copied over another one fails authentication.
    return f"file:{storage_name}".encode()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_blob(path: Path, blob: bytes) -> None:
    """Write atomically (temp file in the same folder, then os.replace), owner-only (0600)."""
    _media_root().mkdir(parents=True, exist_ok=True)
    for directory in (path.parent.parent.parent, path.parent.parent, path.parent):  # files/YYYY/MM
        directory.mkdir(mode=0o700, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)  # mkstemp already creates 0600; make it explicit.
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def store_upload(
    *, actor, uploaded: UploadedFile, data_key: DataKey, purpose: str, contract_id: int | None = None
) -> StoredFile:
    """Check, encrypt and store an upload; returns the new StoredFile.

    Raises ValidationError (Japanese message; codes file_too_large, file_empty, file_type,
    pdf_active_content) for a file the portal does not accept, with nothing written to disk; a
    form should attach it to its file field. Raises crypto.KeyDestroyedError when the data key
    was destroyed. The blob is removed again if the database work fails; if an *outer*
    transaction of the caller rolls back later, the blob stays as an orphan until
    orphan_blobs_remove() (docs/files.md).
    """
    raw_key = crypto.data_key_cache.get(data_key.pk)  # fails before reading anything
    content = _read_limited(uploaded)
    content_type = _check_content(content)
    digest = hashlib.sha256(content).hexdigest()

    uploaded_at = timezone.now()
    storage_name = _new_storage_name(uploaded_at)
    nonce = os.urandom(NONCE_BYTES)
    blob = nonce + AESGCM(raw_key).encrypt(nonce, content, _aad(storage_name))

    path = _blob_path(storage_name)
    _write_blob(path, blob)
    try:
        with transaction.atomic():
            stored = StoredFile(
                data_key=data_key,
                # Only the last path component: some browsers send "C:\\…\\name.pdf".
                original_name=PurePath((uploaded.name or "").replace("\\", "/")).name or "file",
                content_type=content_type,
                size=len(content),
                sha256=digest,
                storage_name=storage_name,
                uploaded_by=actor,
                uploaded_at=uploaded_at,
                purpose=purpose,
                contract_id=contract_id,
            )
            stored.full_clean()
            stored.save()
            record_event(
                kind="file.uploaded",
                actor=actor,
                obj=stored,
                contract_id=contract_id,
                # Never the name: events outlive the data key (docs/keys.md).
                data={
                    "purpose": purpose,
                    "content_type": content_type,
                    "size": stored.size,
                    "sha256": digest,
                },
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return stored


# --- reading -------------------------------------------------------------------------------


def read_file(stored: StoredFile) -> bytes:
    """The plaintext of a stored file, authenticated and checked against its SHA-256.

    Raises crypto.KeyDestroyedError when the scope's data key was destroyed, FileErasedError (a
    KeyDestroyedError) when the file itself was erased, crypto.DecryptionError when the blob was
    altered, swapped or does not match its digest, and FileNotFoundError when the blob is missing
    from disk (an operations problem: restore it from the backup).
    """
    if stored.erased_at is not None:
        raise FileErasedError(f"Stored file #{stored.pk} was erased.")
    raw_key = crypto.data_key_cache.get(stored.data_key_id)
    blob = _blob_path(stored.storage_name).read_bytes()
    try:
        content = AESGCM(raw_key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(stored.storage_name))
    except InvalidTag as exc:
        raise crypto.DecryptionError(f"Stored file #{stored.pk} failed authentication.") from exc
    if len(content) != stored.size or hashlib.sha256(content).hexdigest() != stored.sha256:
        raise crypto.DecryptionError(f"Stored file #{stored.pk} does not match its SHA-256.")
    return content


def _download_name(name: str, content_type: str) -> str:
    # No folders, no control characters, and an extension that matches the content: a PDF saved
    # as "x.html" would open in a browser from the disk.
    name = PurePath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".") or "file"
    extensions = EXTENSIONS[content_type]
    if not name.lower().endswith(extensions):
        name += extensions[0]
    return name


_PLAIN_ASCII_NAME_RE = re.compile(r"\A[A-Za-z0-9 ._()\[\]+-]+\Z")


def _content_disposition(name: str, *, fallback: str) -> str:
    # RFC 6266 / RFC 5987: an ASCII fallback for old clients, then the UTF-8 name.
    quoted = urllib.parse.quote(name, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


def file_response(
    *, request: HttpRequest, stored: StoredFile, download_name: str | None = None
) -> HttpResponse:
    """An HttpResponse that downloads the file, and the audit event that records the download.

    The caller must check first that request.user may see this file (the access helper of the
    object the file belongs to, which raises 404): this function checks no permission. The name
    is `download_name` or the original name, with its extension forced to match the content.
    Errors are those of read_file (nothing is recorded when the file cannot be read).
    """
    try:
        content = read_file(stored)
    except crypto.KeyDestroyedError:
        # Erased (the file itself, or its contract's key at the close): gone, not a failure.
        from django.shortcuts import render

        return render(request, "core/file_erased.html", status=410)
    record_event(
        kind="file.downloaded",
        actor=request.user if request.user.is_authenticated else None,
        obj=stored,
        contract_id=stored.contract_id,
        data={"purpose": stored.purpose, "sha256": stored.sha256},
    )
    name = _download_name(download_name or stored.original_name, stored.content_type)
    fallback = (
        name if _PLAIN_ASCII_NAME_RE.match(name) else f"file-{stored.pk}{EXTENSIONS[stored.content_type][0]}"
    )
    response = HttpResponse(content, content_type=stored.content_type)
    response["Content-Disposition"] = _content_disposition(name, fallback=fallback)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- erasure -------------------------------------------------------------------------------


@transaction.atomic
def stored_file_erase(*, actor, stored: StoredFile, reason: str = "") -> StoredFile:
    """Delete the file's blob and its name, mark the row erased and record `file.erased`. Idempotent.

    The blob is deleted inside the transaction, before the commit: should the commit fail, the row
    is not marked erased and erasing again finishes the job; the other order could leave personal
    data on disk behind a row that says it is gone. Unlinking does not overwrite the disk blocks:
    what remains there (and in backups) is ciphertext, gone for good once the data key is destroyed.
    """
    locked = StoredFile.objects.select_for_update().get(pk=stored.pk)
    if locked.erased_at is not None:
        return locked
    _blob_path(locked.storage_name).unlink(missing_ok=True)
    locked.erased_at = timezone.now()
    locked.original_name = ""  # the name is personal data too
    locked.save(update_fields=["erased_at", "original_name"])
    record_event(
        kind="file.erased",
        actor=actor,
        obj=locked,
        contract_id=locked.contract_id,
        data={"purpose": locked.purpose, "sha256": locked.sha256, "reason": reason},
    )
    stored.erased_at, stored.original_name = locked.erased_at, locked.original_name
    return locked


# --- orphans -------------------------------------------------------------------------------


def orphan_blob_paths(*, older_than: timedelta = timedelta(hours=1)) -> list[Path]:
    """Blobs (and left-over temp files) under MEDIA_ROOT/files with no StoredFile row.

    They appear when a caller's outer transaction rolls back after store_upload returned, or when
    a process dies mid-write. Files younger than `older_than` are skipped: their transaction may
    still be open.
    """
    root = _media_root() / FILES_DIR
    if not root.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    candidates: dict[str, Path] = {}
    for path in root.glob("*/*/*"):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        candidates[path.relative_to(_media_root()).as_posix()] = path
    known: set[str] = set()
    names = list(candidates)
    for start in range(0, len(names), 500):
        known.update(
            StoredFile.objects.filter(storage_name__in=names[start : start + 500]).values_list(
                "storage_name", flat=True
            )
        )
    return sorted(path for name, path in candidates.items() if name not in known)


def orphan_blobs_remove(*, actor=None, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete the orphan blobs (see orphan_blob_paths); records `file.orphans_removed`; returns the count."""
    paths = orphan_blob_paths(older_than=older_than)
    for path in paths:
        path.unlink(missing_ok=True)
    if paths:
        record_event(kind="file.orphans_removed", actor=actor, data={"count": len(paths)})
    return len(paths)


# What each app's stored files are, in words (the close page says which documents a contract's
# close makes unreadable): purpose → label, registered by the app that stores them.
_PURPOSE_LABELS: dict[str, object] = {}


def register_purpose_labels(labels: dict[str, object]) -> None:
    """Name the purposes an app stores files under (``{"pledge": _("Pledges")}``)."""
    _PURPOSE_LABELS.update(labels)


def purpose_label(purpose: str):
    return _PURPOSE_LABELS.get(purpose, _("Other documents"))
