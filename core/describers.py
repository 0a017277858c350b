"""Events in people's words: what an event is about and what its details say.

An event names its object as ``object_type``/``object_id`` ("contracts.person", "17") and may
carry further references in its data ("subject": "contracts.person:17"). Core knows no domain
app, so each app registers, per object type, a function that turns many ids into titles in one
query (``register_object_describer`` from its ``AppConfig.ready()``). A page collects every
reference of the events it shows and asks once per object type: no query per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.audit import event_kind_label

# ids (as stored: strings) -> {id: title}; ids it cannot find are simply left out.
Describer = Callable[[Sequence[str]], Mapping[str, str]]

_describers: dict[str, Describer] = {}

Ref = tuple[str, str]  # (object_type, object_id)


def register_object_describer(object_type: str, describer: Describer) -> None:
    """Declare how objects of ``object_type`` ("app_label.model") are named on screen."""
    _describers[object_type] = describer


def _type_label(object_type: str) -> str:
    # An object type nobody describes (or an object since gone) still reads as a word, never as
    # "app.model#id": the model's verbose name, or a neutral word when the model is unknown.
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return str(_("Record"))
    return str(model._meta.verbose_name).capitalize()


def describe_objects(refs: Iterable[Ref]) -> dict[Ref, str]:
    """A title for every reference: one describer call per object type present."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in refs:
        if object_type:
            by_type[object_type].add(str(object_id))
    titles: dict[Ref, str] = {}
    for object_type, ids in by_type.items():
        describer = _describers.get(object_type)
        found = describer(sorted(ids)) if describer is not None else {}
        for object_id in ids:
            titles[(object_type, object_id)] = found.get(object_id) or _type_label(object_type)
    return titles


def parse_ref(value: Any) -> Ref | None:
    """ "contracts.person:17" -> ("contracts.person", "17"); anything else -> None."""
    if not isinstance(value, str) or ":" not in value:
        return None
    object_type, _sep, object_id = value.partition(":")
    if "." not in object_type or not object_id:
        return None
    return object_type, object_id


# --- details ------------------------------------------------------------------------------------

_STATE_LABELS: dict[str, Promise] = {
    "draft": _("Draft"),
    "submitted": _("Submitted"),
    "approved": _("Approved"),
    "returned": _("Returned"),
    "rejected": _("Rejected"),
}


def _state(value: Any) -> str:
    return str(_STATE_LABELS.get(value, value)) if value else "—"


def _short_hash(value: Any) -> str:
    # The first 12 hex digits identify a file among any realistic number; the full digest is in
    # the export and the stored record.
    text = str(value)
    return f"{text[:12]}…" if len(text) > 12 else text


def _role(value: Any) -> str:
    from core.models import Role

    try:
        return str(Role(value).label)
    except ValueError:
        return str(value)


def _ok(value: Any) -> str:
    return str(_("Intact")) if value else str(_("Broken"))


def _entry(value: Any) -> str:
    return f"#{value}" if value not in (None, "") else "—"


def _text(value: Any) -> str:
    return str(value)


# Known keys, in the order they are shown: key -> (label, how the value reads).
DETAIL_KEYS: dict[str, tuple[Promise, Callable[[Any], str]]] = {
    "from": (pgettext_lazy("state change", "From"), _state),
    "to": (pgettext_lazy("state change", "To"), _state),
    "reason": (_("Reason"), _text),
    "role": (_("Role"), _role),
    "on": (_("As of"), _text),
    "effective_date": (_("Effective date"), _text),
    "received_on": (_("Received on"), _text),
    "page": (_("Page"), _text),
    "change": (_("Change no."), _text),
    "count": (_("Count"), _text),
    "n": (_("Count"), _text),
    "note": (_("Note"), _text),
    "login": (_("Login name"), _text),
    "sha256": (_("SHA-256"), _short_hash),
    "ok": (_("Result"), _ok),
    "checked": (_("Entries checked"), _text),
    "first_bad_id": (_("First broken entry"), _entry),
}
# Words for the codes an app stores as a detail's value (the training pages' "page": "plan"),
# registered by that app: core shows the words, never the code.
_VALUE_WORDS: dict[str, dict[str, Promise | str]] = {}


def register_detail_values(key: str, words: Mapping[str, Promise | str]) -> None:
    """Say in words what the codes an app stores under ``key`` mean (``{"plan": _("Training plan")}``)."""
    _VALUE_WORDS.setdefault(key, {}).update(words)


# Keys whose value names another record ("contracts.person:17").
REF_KEYS: dict[str, Promise] = {"subject": _("Subject")}


@dataclass
class EventRow:
    """One event as a page shows it."""

    event: Any
    kind_label: str
    object_title: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)


def _data_refs(data: Mapping[str, Any]) -> list[Ref]:
    return [ref for key in REF_KEYS if (ref := parse_ref(data.get(key))) is not None]


def _details(data: Mapping[str, Any], titles: Mapping[Ref, str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, label in REF_KEYS.items():
        ref = parse_ref(data.get(key))
        if ref is not None:
            pairs.append((str(label), titles.get(ref, _type_label(ref[0]))))
    for key, (label, show) in DETAIL_KEYS.items():
        value = data.get(key)
        if key in data and value not in (None, "") and not isinstance(value, (dict, list)):
            if key == "to" and data.get("from") == value:
                continue
            words = _VALUE_WORDS.get(key, {})
            pairs.append(
                (str(label), str(words[value]) if isinstance(value, str) and value in words else show(value))
            )
    shown = {key for key in data if (key in DETAIL_KEYS or key in REF_KEYS)}
    # Keys not listed above hold internal codes or structures: counted, never dumped as JSON.
    others = len(set(data) - shown)
    if others:
        pairs.append(
            (str(_("Other")), ngettext("%(n)d more item", "%(n)d more items", others) % {"n": others})
        )
    return pairs


def describe_events(events: Iterable[Any]) -> list[EventRow]:
    """The events of one page in words, with every title fetched in one batch."""
    events = list(events)
    refs: list[Ref] = []
    for event in events:
        if event.object_type:
            refs.append((event.object_type, str(event.object_id)))
        refs.extend(_data_refs(event.data or {}))
    titles = describe_objects(refs)
    rows = []
    for event in events:
        title = titles.get((event.object_type, str(event.object_id)), "") if event.object_type else ""
        rows.append(
            EventRow(
                event=event,
                kind_label=event_kind_label(event.kind),
                object_title=title,
                details=_details(event.data or {}, titles),
            )
        )
    return rows


# --- core's own objects -------------------------------------------------------------------------


def _organisations(ids: Sequence[str]) -> dict[str, str]:
    from core.models import Organisation

    pks = [int(i) for i in ids if i.isdigit()]
    return {str(pk): name for pk, name in Organisation.objects.filter(pk__in=pks).values_list("pk", "name")}


def _users(ids: Sequence[str]) -> dict[str, str]:
    from core.models import User

    pks = [int(i) for i in ids if i.isdigit()]
    return {str(u.pk): str(u) for u in User.objects.filter(pk__in=pks).select_related("data_key")}


register_object_describer("core.organisation", _organisations)
register_object_describer("core.user", _users)
