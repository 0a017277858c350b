"""Importing a ledger kept in Excel: the information ledger (one row per item) and the device
ledger (one row per device), all rows or none (design.md, invariant 8).

The file is read by core.spreadsheets (the sheet's format, every cell's value, with its row and
column), the names in it are looked up in the contract's records (a person of the roster, a work
site, a device of the ledger), and then every row goes through the service a person typing it
would use — `information_receive`, `device_register` — in one transaction. So an import refuses
what typing refuses, with the same reason, at the row and column it came from, and records the
same events, duties and audit trail as typing would. The preview runs exactly that and rolls it
back: what it shows is what the apply will do, as long as the records do not change in between;
the apply runs it again and keeps it only if every row passes. Both run in Celery
(services.import_runs, ledgers.tasks): the upload only keeps the file and asks for its preview.

The uploaded file waits as a `LedgerImport`, encrypted, for its uploader only; it is emptied once
the apply has run (or the preview failed), and the row removed by abandoning it, by a new upload
for the same ledger and by the sweep (`import_sweep`) once older than
settings.LEDGER_IMPORT_KEEP_MINUTES.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract, Person, Worksite
from contracts.selectors.worksites import current_entries
from core.audit import current_request_context, normalise_ip, record_event
from core.models import Membership
from core.spreadsheets import CellError, ImportResult, SheetSpec, parse_date, parse_rows
from core.spreadsheets.spec import NO, YES
from core.wareki import JST, format_wareki, format_wareki_datetime
from ledgers import events, permissions
from ledgers.models import Device, ImportLedger, LedgerImport
from ledgers.services.devices import VERSION_FIELDS, device_register
from ledgers.services.information import information_receive
from ledgers.spreadsheets.devices import DEVICE_SPEC
from ledgers.spreadsheets.information import IMPORT_SPEC

SPECS: dict[str, SheetSpec] = {ImportLedger.INFORMATION: IMPORT_SPEC, ImportLedger.DEVICES: DEVICE_SPEC}
IMPORTED = {
    ImportLedger.INFORMATION: events.INFORMATION_LEDGER_IMPORTED,
    ImportLedger.DEVICES: events.DEVICE_LEDGER_IMPORTED,
}
# An import waiting for its preview or apply, or in one (services.import_runs): the sweep leaves
# it to its run (and sends it again when lost).
ACTIVE = (
    LedgerImport.State.TO_CHECK,
    LedgerImport.State.CHECKING,
    LedgerImport.State.QUEUED,
    LedgerImport.State.RUNNING,
)
# A run holds the row's lock, or the apply was asked for: a new upload leaves it alone (a DELETE
# would wait for the run's transaction).
_BUSY = (LedgerImport.State.CHECKING, LedgerImport.State.QUEUED, LedgerImport.State.RUNNING)
_SPACES = re.compile(r"\s+")
_NAMES_SEPARATOR = re.compile(r"[、,，;；\n]+")
_TIME = re.compile(r"^(?P<day>.+?)\s*(?P<h>\d{1,2})\s*[:時]\s*(?P<m>\d{1,2})(?::\d{1,2})?\s*分?$")


@dataclass
class PreviewRow:
    """A row of the file as it will be entered: its Excel row, the number the item gets in the
    contract's ledger (information only) and the cells as the file's columns show them."""

    row: int
    cells: list[str]
    number: int | None = None


@dataclass
class ImportOutcome:
    """What a preview or an apply found: every error, else the rows entered (or to be)."""

    ledger: str
    errors: list[CellError] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def headings(self) -> list[str]:
        return [column.header for column in SPECS[self.ledger].columns]


def max_bytes() -> int:
    return settings.LEDGER_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.LEDGER_IMPORT_MAX_ROWS


def _whole_file(message: str) -> CellError:
    return CellError(row=0, column="", header="", message=message)


def too_large() -> str:
    return _("The file is too large (the limit for a ledger import is %(limit)s KB).") % {
        "limit": f"{max_bytes() // 1024:,}"
    }


def _allowed(actor, actor_membership: Membership | None, contract: Contract) -> bool:
    return permissions.can_keep_devices(actor, actor_membership, contract)


# --- Keeping the file from its upload to its apply ---------------------------------------------


def _publish_preview(pk: int) -> None:
    # Imported here: import_runs builds on this module's reading and entering of the rows.
    from ledgers.services.import_runs import PREVIEW, publish

    publish(pk, PREVIEW)


@transaction.atomic
def import_upload(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    ledger: str,
    file_name: str,
    data: bytes,
    language: str = "",
) -> LedgerImport:
    """Keep an uploaded file, in place of the person's earlier one for the ledger, and ask a
    worker for its preview (written in `language`): nothing of the file is read here."""
    if ledger not in SPECS or not _allowed(actor, actor_membership, contract):
        raise PermissionDenied
    if len(data) > max_bytes():
        raise ValidationError({"file": too_large()})
    LedgerImport.objects.filter(contract=contract, ledger=ledger, created_by=actor).exclude(
        state__in=_BUSY
    ).delete()
    now = timezone.now()
    found = LedgerImport(
        contract=contract,
        organisation_id=actor_membership.organisation_id,
        ledger=ledger,
        file_name=(file_name or "")[:200],
        data_key=contract.data_key,
        xlsx=base64.b64encode(data).decode("ascii"),
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
        state=LedgerImport.State.TO_CHECK,
        stage=LedgerImport.Stage.WAITING,
        queued_at=now,
        stage_at=now,
        language=(language or "")[:10],
        ip=normalise_ip(current_request_context().ip),
    )
    found.full_clean()
    found.save()
    # After commit: the worker must find the row.
    transaction.on_commit(lambda: _publish_preview(found.pk))
    return found


def import_discard(*, actor, ledger_import: LedgerImport) -> None:
    """Abandon an upload (its preview waiting or read), an apply still waiting or one that
    failed: the row and its file are removed, nothing was imported. One being checked or applied
    is refused (its transaction decides, and a DELETE would wait for it), and so is one applied
    (there is nothing left to abandon)."""
    if ledger_import.created_by_id != actor.pk:
        raise PermissionDenied
    State = LedgerImport.State
    removed, _by_model = LedgerImport.objects.filter(
        pk=ledger_import.pk, state__in=[State.TO_CHECK, State.PREVIEWED, State.QUEUED, State.FAILED]
    ).delete()
    if removed:
        return
    state = LedgerImport.objects.filter(pk=ledger_import.pk).values_list("state", flat=True).first()
    if state == State.CHECKING:
        raise ValidationError(_("The file is being checked now: wait until it is done."))
    if state == State.RUNNING:
        raise ValidationError(_("The file is being imported now: wait until it is done."))
    if state == State.DONE:
        raise ValidationError(_("The rows of this file have already been imported."))


def import_sweep(*, now: datetime | None = None) -> int:
    """Remove the uploads older than settings.LEDGER_IMPORT_KEEP_MINUTES (beat, every few
    minutes), except those waiting for or in their preview or apply (services.import_runs sends
    those again)."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.LEDGER_IMPORT_KEEP_MINUTES)
    removed, _by_model = LedgerImport.objects.filter(created_at__lt=cutoff).exclude(state__in=ACTIVE).delete()
    return removed


def import_owner_check(actor, actor_membership: Membership | None, ledger_import: LedgerImport) -> None:
    # Whether they may still record on the ledger is ledger_import_run's first question.
    if (
        ledger_import.created_by_id != actor.pk
        or actor_membership is None
        or actor_membership.organisation_id != ledger_import.organisation_id
    ):
        raise PermissionDenied


# --- Reading and entering the rows ------------------------------------------------------------


def ledger_import_read(*, ledger: str, data: bytes) -> tuple[ImportOutcome, ImportResult | None]:
    """The file's rows, or the errors that refuse it (its size, format, cells, row count). Reads
    no record, so it can run before the apply's transaction."""
    outcome = ImportOutcome(ledger=ledger)
    if len(data) > max_bytes():
        outcome.errors.append(_whole_file(too_large()))
        return outcome, None
    parsed = parse_rows(SPECS[ledger], data)
    if not parsed.ok:
        outcome.errors = parsed.errors
        return outcome, None
    if not parsed.rows:
        outcome.errors.append(_whole_file(_("The sheet has no rows to import.")))
        return outcome, None
    if len(parsed.rows) > max_rows():
        outcome.errors.append(
            _whole_file(
                _("The sheet has %(n)s rows; a ledger import takes at most %(max)s. Split the file.")
                % {"n": f"{len(parsed.rows):,}", "max": f"{max_rows():,}"}
            )
        )
        return outcome, None
    return outcome, parsed


def ledger_import_run(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    ledger: str,
    data: bytes,
    apply: bool,
    sha256: str = "",
    read: tuple[ImportOutcome, ImportResult | None] | None = None,
) -> ImportOutcome:
    """Read the file (or take `read`, ledger_import_read's answer for it) and enter its rows
    through the services in one transaction, kept only when `apply` and every row passed."""
    if ledger not in SPECS or not _allowed(actor, actor_membership, contract):
        raise PermissionDenied
    outcome, parsed = read or ledger_import_read(ledger=ledger, data=data)
    if parsed is None:
        return outcome
    spec = SPECS[ledger]
    enter = _ENTRIES[ledger](contract, actor_membership)
    created: list[Any] = []
    with transaction.atomic():
        for number, row in zip(parsed.row_numbers, parsed.rows, strict=True):
            errors: list[CellError] = []
            kwargs = enter.values(spec, number, row, errors)
            if errors:
                outcome.errors.extend(errors)
                continue
            try:
                with transaction.atomic():
                    made = enter.service(
                        actor=actor, actor_membership=actor_membership, contract=contract, **kwargs
                    )
            except ValidationError as exc:
                outcome.errors.extend(_at_cells(spec, number, exc, enter.fields))
                continue
            created.append(made)
            outcome.rows.append(enter.preview(spec, number, row, kwargs, made))
        if outcome.errors or not apply:
            transaction.set_rollback(True)
        else:
            record_event(
                kind=IMPORTED[ledger],
                actor=actor,
                obj=contract,
                contract_id=contract.pk,
                data={
                    "organisation": actor_membership.organisation_id,
                    "rows": len(created),
                    "sha256": sha256 or hashlib.sha256(data).hexdigest(),
                    **enter.summary(created),
                },
            )
    if outcome.errors:
        outcome.rows = []
    return outcome


def _at_cells(spec: SheetSpec, row: int, exc: ValidationError, fields: dict[str, str]) -> list[CellError]:
    """A service's refusal at the row and the column of the field it names (the row alone when it
    names none the file has)."""
    keys = {column.key for column in spec.columns}
    found = []
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for name, messages in by_field.items():
        key = fields.get(name, name)
        for message in messages:
            if key in keys:
                found.append(spec.cell_error(row=row, key=key, message=message))
            else:
                found.append(CellError(row=row, column="", header="", message=message))
    return found


def _name_key(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


class _Names:
    """The contract's people and work sites by the names a file calls them (spaces and width
    aside), read once for the whole file. A person of another party is still found, so that the
    service refuses them with its own reason (as a device of another party's ledger is, below)."""

    def __init__(self, contract: Contract, organisation_id: int) -> None:
        self.organisation_id = organisation_id
        self.people: dict[str, list[Person]] = {}
        for person in Person.objects.filter(contract=contract):
            self.people.setdefault(_name_key(person.full_name), []).append(person)
        names = dict(current_entries(contract).values_list("worksite_id", "name"))
        sites = Worksite.objects.in_bulk(list(names))
        self.sites = {_name_key(name): sites[pk] for pk, name in names.items() if pk in sites}

    def person(
        self, spec: SheetSpec, row: int, key: str, name: str, errors: list[CellError]
    ) -> Person | None:
        if not name:
            return None
        found = self.people.get(_name_key(name), [])
        own = [p for p in found if p.employer_id == self.organisation_id]
        candidates = own or found
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            message = _("“%(name)s” is not on this contract's roster (write the name as on the roster).")
        else:
            message = _("More than one person on the roster is called “%(name)s”: enter them by hand.")
        errors.append(spec.cell_error(row=row, key=key, message=message % {"name": name}))
        return None

    def site(self, spec: SheetSpec, row: int, name: str, errors: list[CellError]) -> Worksite | None:
        if not name:
            return None
        found = self.sites.get(_name_key(name))
        if found is None:
            errors.append(
                spec.cell_error(
                    row=row,
                    key="worksite",
                    message=_("“%(name)s” is not a work site of this contract (write its name as declared).")
                    % {"name": name},
                )
            )
        return found


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, date):
        return format_wareki(value)
    return str(value)


def _cells(spec: SheetSpec, row: dict[str, Any], shown: dict[str, str]) -> list[str]:
    out = []
    for column in spec.columns:
        if column.key in shown:
            out.append(shown[column.key])
        elif column.kind == "choice" and row.get(column.key):
            out.append((column.choices or {})[row[column.key]])
        else:
            out.append(_text(row.get(column.key)))
    return out


def _moment(text: str) -> datetime:
    """受領日時 as typed — a date (和暦 or 西暦, core.wareki) and optionally a time — in Japan's time."""
    typed = unicodedata.normalize("NFKC", text).strip()
    match = _TIME.match(typed)
    day_text, hour, minute = (match["day"], int(match["h"]), int(match["m"])) if match else (typed, 0, 0)
    if hour > 23 or minute > 59:
        raise ValueError(_("Enter the time as hours and minutes, e.g. 10:30."))
    return datetime.combine(parse_date(day_text), time(hour, minute), tzinfo=JST)


class _Information:
    """Rows of the information ledger → information_receive."""

    service: Callable[..., Any] = staticmethod(information_receive)
    # The service's field → the file's column.
    fields = {"occurred_at": "received_at"}

    def __init__(self, contract: Contract, membership: Membership) -> None:
        self.names = _Names(contract, membership.organisation_id)
        self.devices = {_name_key(d.asset_number): d for d in Device.objects.filter(contract=contract)}
        self.numbers: dict[int, int] = {}

    def values(self, spec: SheetSpec, row: int, values: dict[str, Any], errors: list[CellError]) -> dict:
        number = values["number"]
        if number is not None:
            if number in self.numbers:
                errors.append(
                    spec.cell_error(
                        row=row,
                        key="number",
                        message=_("Number %(n)s is also in row %(row)s.")
                        % {"n": number, "row": self.numbers[number]},
                    )
                )
            self.numbers.setdefault(number, row)
        try:
            moment = _moment(values["received_at"])
        except ValueError as error:
            errors.append(spec.cell_error(row=row, key="received_at", message=str(error)))
            moment = None
        person = self.names.person(spec, row, "person", values["person"], errors)
        users = [
            self.names.person(spec, row, "users", name.strip(), errors)
            for name in _NAMES_SEPARATOR.split(values["users"])
            if name.strip()
        ]
        device = None
        if values["device"]:
            device = self.devices.get(_name_key(values["device"]))
            if device is None:
                errors.append(
                    spec.cell_error(
                        row=row,
                        key="device",
                        message=_("No device of the device ledger has this asset number."),
                    )
                )
        return {
            "title": values["title"],
            "source": values["source"],
            "record_count": values["record_count"],
            "classification": values["classification"],
            "medium": values["medium"],
            "device": device,
            "description": values["description"],
            "person": person,
            "counterpart": values["counterpart"],
            "worksite": self.names.site(spec, row, values["worksite"], errors),
            "storage_place": values["storage_place"],
            "users": [user for user in users if user is not None],
            "occurred_at": moment,
        }

    def preview(self, spec: SheetSpec, row: int, values: dict, kwargs: dict, made) -> PreviewRow:
        shown = {
            "received_at": format_wareki_datetime(kwargs["occurred_at"]),
            "users": "、".join(p.full_name for p in kwargs["users"]) or kwargs["person"].full_name,
        }
        return PreviewRow(row=row, cells=_cells(spec, values, shown), number=made.item.number)

    def summary(self, created: list) -> dict:
        return {"items": [event.item.number for event in created]}


_BOOLS = ("disk_encrypted", "no_unapproved_software", "no_generative_ai")


class _Devices:
    """Rows of the device ledger → device_register."""

    service: Callable[..., Any] = staticmethod(device_register)
    fields: dict[str, str] = {}

    def __init__(self, contract: Contract, membership: Membership) -> None:
        self.names = _Names(contract, membership.organisation_id)

    def values(self, spec: SheetSpec, row: int, values: dict[str, Any], errors: list[CellError]) -> dict:
        kwargs: dict[str, Any] = {
            "asset_number": values["asset_number"],
            "effective_on": values["effective_on"],
        }
        for name in VERSION_FIELDS:
            value = values.get(name)
            if name in ("owner", "status") and not value:
                continue  # the model's default: company-owned, in use
            if name in _BOOLS:
                value = bool(value)  # an empty cell says no, as an unticked box does
            kwargs[name] = value
        kwargs["holder"] = self.names.person(spec, row, "holder", values["holder"], errors)
        kwargs["worksite"] = self.names.site(spec, row, values["worksite"], errors)
        return kwargs

    def preview(self, spec: SheetSpec, row: int, values: dict, kwargs: dict, made) -> PreviewRow:
        shown = {"effective_on": format_wareki(made.effective_on)}
        return PreviewRow(row=row, cells=_cells(spec, values, shown))

    def summary(self, created: list) -> dict:
        return {"devices": [version.device_id for version in created]}


_ENTRIES: dict[str, type[_Information] | type[_Devices]] = {
    ImportLedger.INFORMATION: _Information,
    ImportLedger.DEVICES: _Devices,
}
