import json
import re

from django import template

from core import navigation

register = template.Library()


@register.filter
def json_text(value) -> str:
    """Structured details as readable JSON (Japanese kept as is, not \\u-escaped)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def event_kind_label(kind: str) -> str:
    """An event kind in words ("roster.approved" -> 名簿の承認), from the apps' events.py."""
    from core.audit import event_kind_label as label

    return label(kind)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag(takes_context=True)
def nav_items(context, menu: str = "main"):
    """The entries of a menu (core.navigation) this person sees: ``{% nav_items as items %}``."""
    return navigation.nav_links(
        context.get("request"),
        membership=context.get("membership"),
        role=context.get("portal_role"),
        menu=menu,
    )


@register.simple_tag(takes_context=True)
def render_panel(context, template_name: str, panel_context: dict):
    """Render a home-page panel (core.panels) with its own context on top of the page's."""
    panel = context.template.engine.get_template(template_name)
    with context.push(**panel_context):
        return panel.render(context)


_CLAUSE_RE = re.compile(r"^(\d+)(?:\.(\d+))?(.*)$")


@register.filter
def clause_ja(reference: str) -> str:
    """'15.3(2)' → '第15条第3項(2)': how a clause reference is read in a Japanese document."""
    match = _CLAUSE_RE.match(str(reference or ""))
    if not match:
        return str(reference or "")
    article, paragraph, rest = match.groups()
    return f"第{article}条" + (f"第{paragraph}項" if paragraph else "") + rest
