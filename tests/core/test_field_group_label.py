"""A field of checkboxes or radios has no one input for its label: the label names the group
(role=group, aria-labelledby) rather than pointing at nothing with an empty for=""."""

from __future__ import annotations

import re

from django.urls import reverse

from tests import factories


def test_a_checkbox_group_is_labelled_as_a_group(client, db):
    side = factories.side("g", "庚")
    client.force_login(side.client_admin.user)
    page = client.get(reverse("contracts:contract_create")).content.decode()
    assert 'for=""' not in page
    group = re.search(
        r'<div class="field" role="group" aria-labelledby="id_additional_templates_label">', page
    )
    assert group and '<label id="id_additional_templates_label">' in page
    # A single input keeps its label's for.
    assert '<label for="id_number">' in page
