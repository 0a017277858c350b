"""⑴ ⑵ … in clause texts are drawn with a real glyph, whatever fonts the reader's machine has.

The usual Japanese UI fonts of some systems (and IPAex, which the PDFs use) have no parenthesised
digits, so 「第17条⑵」 showed a box. The portal serves a vendored subset for exactly those code
points; this asks Chromium which font it actually used for the character.
"""

from __future__ import annotations

import pytest

from clauses.models import Obligation
from clauses.services import clause_library_load
from core.demo import DEMO_PASSWORD
from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _fonts_used_for(page, selector: str) -> list[dict]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    # Each entry: familyName, isCustomFont (a web font from @font-face), glyphCount.
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_parenthesised_digits_in_clause_text_use_the_vendored_font(page, live_server, shot):
    clause_library_load()
    side = factories.side("f", "字")
    user = side.client_staff.user
    user.set_password(DEMO_PASSWORD)
    user.save()
    obligation = Obligation.objects.filter(summary__contains="⑵").select_related("template").first()
    template = obligation.template
    login(page, live_server, user.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clause-library/{template.pk}/")

    page.evaluate("document.fonts.ready")
    element = page.locator("main p", has_text="⑵").first
    element.evaluate("e => e.setAttribute('data-probe', '1')")
    used = _fonts_used_for(page, "[data-probe]")
    # The paragraph has exactly one ⑵ and no other enclosed character: one glyph from the web font.
    assert [f["glyphCount"] for f in used if f["isCustomFont"]] == [element.inner_text().count("⑵")], used
    element.scroll_into_view_if_needed()
    element.screenshot(path=str(shot("page").with_name("clause-with-parenthesised-digit.png")))
