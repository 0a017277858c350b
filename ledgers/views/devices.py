"""Pages of the device ledger (パソコン等・記録媒体の管理台帳, 000 §5.3): the ledger on a day, a
device with its whole history, entering a device and recording a change. Thin: access, form,
service."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.selectors.worksites import current_entries
from core import pdf
from core.services.reads import personal_data_read
from core.views.utils import save_form
from ledgers import events, permissions
from ledgers.access import get_device_or_404, get_ledger_contract_or_404
from ledgers.forms.devices import DeviceChangeForm, DeviceRegisterForm, LedgerFilterForm, offer_takeouts
from ledgers.models import DeviceStatus, DeviceVersion
from ledgers.models.devices import FINAL_STATUSES
from ledgers.pdf.devices import DEVICE_LEDGER_FORM, device_ledger_context
from ledgers.selectors.devices import (
    device_history,
    devices_visible_to,
    filter_ledger,
    latest_version,
    ledger_on,
    protection_of,
)
from ledgers.services import devices as services
from ledgers.spreadsheets.devices import device_ledger_xlsx as ledger_xlsx
from ledgers.spreadsheets.devices import device_rows

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _max_ages() -> tuple[int, int]:
    return (
        getattr(settings, "LEDGER_ANTIVIRUS_MAX_AGE_DAYS", 30),
        getattr(settings, "LEDGER_PATCH_MAX_AGE_DAYS", 90),
    )


def _site_names(contract, on=None) -> dict[int, str]:
    """Each work site's name as it stood on the day (a site's identity row has none), one query."""
    return dict(current_entries(contract, on=on).values_list("worksite_id", "name"))


def _names_shown(request, contract, **data) -> None:
    """Holders' names are personal data: every page that shows them is on the record."""
    personal_data_read(
        kind=events.DEVICE_LEDGER_VIEWED, actor=request.user, obj=contract, contract_id=contract.pk, data=data
    )


@login_required
def device_list(request, pk: int):
    """The ledger as it stood at the end of a day (today): the version of each device then."""
    contract = get_ledger_contract_or_404(request, pk)
    form = LedgerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    on = filters.get("on") or timezone.localdate()
    versions = filter_ledger(
        ledger_on(devices_visible_to(request.user, request.membership, contract), on),
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    max_ages = _max_ages()
    # Protection is judged as it stood that day: a past day's ledger shows what was stale then.
    page.object_list = [(v, protection_of(v, today=on, max_ages=max_ages)) for v in page.object_list]
    _names_shown(request, contract, on=on.isoformat(), page=page.number)
    return render(
        request,
        "ledgers/devices/list.html",
        {
            "contract": contract,
            "page": page,
            "on": on,
            "form": form,
            "filtered": any(filters.get(name) for name in ("kind", "status", "q")),
            "site_names": _site_names(contract, on),
            "max_ages": max_ages,
            "can_keep": permissions.can_keep_devices(request.user, request.membership, contract),
        },
    )


def _form_page(request, form, *, contract, device=None):
    # The holder's choices name the roster's people: showing them is a view of personal data.
    if form.fields["holder"].queryset.exists():
        _names_shown(request, contract, form="change" if device else "register", **_device_data(device))
    return render(
        request, "ledgers/devices/form.html", {"contract": contract, "device": device, "form": form}
    )


def _device_data(device) -> dict:
    return {"device": device.pk} if device is not None else {}


@login_required
def device_register(request, pk: int):
    contract = get_ledger_contract_or_404(request, pk)
    if not permissions.can_keep_devices(request.user, request.membership, contract):
        raise Http404
    form = DeviceRegisterForm(
        request.POST or None,
        contract=contract,
        organisation_id=request.membership.organisation_id,
        initial={"effective_on": timezone.localdate()},
    )
    version = save_form(
        request,
        form,
        partial(services.device_register, contract=contract),
        success=lambda v: _("%(asset)s was entered in the device ledger.") % {"asset": v.device.asset_number},
    )
    if version is not None:
        return redirect("ledgers:device_list", pk=contract.pk)
    return _form_page(request, form, contract=contract)


def _what_changed(history: list[DeviceVersion]) -> list[tuple[DeviceVersion, list[str]]]:
    """Each version (newest first) with the labels of the fields it changed from the one before."""
    rows = []
    for version, earlier in zip(history, [*history[1:], None], strict=True):
        changed = (
            [
                str(DeviceVersion._meta.get_field(name).verbose_name)
                for name in services.VERSION_FIELDS
                if getattr(version, name) != getattr(earlier, name)
            ]
            if earlier is not None
            else []
        )
        rows.append((version, changed))
    return rows


@login_required
def device_detail(request, pk: int):
    """The device as it stands now and every version it had, newest first."""
    device = get_device_or_404(request, pk)
    contract = device.contract
    history = list(device_history(device))
    current = history[0]
    _names_shown(request, contract, device=device.pk)
    return render(
        request,
        "ledgers/devices/detail.html",
        {
            "contract": contract,
            "device": device,
            "current": current,
            "protection": protection_of(current, today=timezone.localdate(), max_ages=_max_ages()),
            "history": _what_changed(history),
            "site_names": _site_names(contract),
            "can_change": current.status not in FINAL_STATUSES
            and permissions.can_change_device(request.user, request.membership, device),
        },
    )


@login_required
def device_update(request, pk: int):
    device = get_device_or_404(request, pk)
    if not permissions.can_change_device(request.user, request.membership, device):
        raise Http404
    latest = latest_version(device)
    if latest.status in FINAL_STATUSES:
        messages.error(request, _("This device was returned or disposed of: nothing more is recorded on it."))
        return redirect("ledgers:device_detail", pk=device.pk)
    initial = {name: getattr(latest, name) for name in services.VERSION_FIELDS}
    initial |= {
        "holder": latest.holder_id,
        "worksite": latest.worksite_id,
        "effective_on": timezone.localdate(),
    }
    # From a take-out request's page: "record the take-out" (or the return) preselects it.
    if request.GET.get("status") in (DeviceStatus.TAKEN_OUT, DeviceStatus.IN_USE):
        initial["status"] = request.GET["status"]
    if request.GET.get("takeout", "").isdigit():
        initial["takeout"] = int(request.GET["takeout"])
    form = DeviceChangeForm(
        request.POST or None,
        contract=device.contract,
        organisation_id=device.organisation_id,
        initial=initial,
    )
    offer_takeouts(form, device)
    version = save_form(
        request,
        form,
        partial(services.device_update, device=device),
        success=lambda v: _("The change of %(asset)s was recorded.") % {"asset": device.asset_number},
    )
    if version is not None:
        return redirect("ledgers:device_detail", pk=device.pk)
    return _form_page(request, form, contract=device.contract, device=device)


def _export(request, pk: int):
    """The ledger as it stood at the end of the chosen day (today), all of it (the list's filters
    aside), for the devices the person may see."""
    contract = get_ledger_contract_or_404(request, pk)
    form = LedgerFilterForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    versions = ledger_on(devices_visible_to(request.user, request.membership, contract), on)
    return contract, on, device_rows(versions, _site_names(contract, on))


def _download(request, contract, on, rows, data: bytes, extension: str, content_type: str) -> HttpResponse:
    # The file names the holders: its download is on the record, once it is made (a PDF is never
    # rendered under the audit trail's lock, core.pdf).
    _names_shown(
        request, contract, on=on.isoformat(), format=extension, rows=len(rows), sha256=pdf.pdf_sha256(data)
    )
    name = f"device-ledger-{contract.pk}-{on:%Y%m%d}.{extension}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def device_ledger_xlsx(request, pk: int):
    contract, on, rows = _export(request, pk)
    return _download(request, contract, on, rows, ledger_xlsx(rows), "xlsx", XLSX)


@login_required
def device_ledger_pdf(request, pk: int):
    contract, on, rows = _export(request, pk)
    data = pdf.render_form(DEVICE_LEDGER_FORM, device_ledger_context(contract, on, rows))
    return _download(request, contract, on, rows, data, "pdf", "application/pdf")
