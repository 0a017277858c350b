"""How much of the work a subcontract entrusts (一部 / 主要な部分 / 全部): asked on every
application, refused where the clauses forbid the whole or the main part (川崎市 003 §6.1, read
from the clause data, not from the public body), shown to the approver and printed on the PDF."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from clauses import api as clauses_api
from contracts.models import Subcontract
from core.approvables import actions_for
from tests.contracts.test_subcontract_invite import subcontract_contract
from tests.contracts.test_subcontracts import FIELDS, Subs, act, apply


@pytest.fixture
def subs(side):
    return Subs(side)


@pytest.fixture
def kawasaki(side):
    return subcontract_contract(side, "003", "R7-SUB-KAW")


@pytest.fixture
def nerima(side):
    return subcontract_contract(side, "001", "R7-SUB-NER")


def test_the_clause_data_says_which_templates_forbid_the_main_part(kawasaki, nerima, side):
    assert clauses_api.main_part_subcontract_forbidden_by(kawasaki) == "6.1"
    assert clauses_api.main_part_subcontract_forbidden_by(nerima) is None
    for seed in ("002", "004"):
        contract = subcontract_contract(side, seed, f"R7-SUB-{seed}")
        assert clauses_api.main_part_subcontract_forbidden_by(contract) is None


@pytest.mark.parametrize("extent", ["whole", "main"])
def test_the_whole_or_main_part_is_refused_under_003_with_the_article(side, subs, kawasaki, extent):
    with pytest.raises(ValidationError) as exc, override("ja"):
        apply(side.contractor_admin, kawasaki, subs.orgs["x"], extent=extent)
    message = exc.value.message_dict["extent"][0]
    assert "第6条第1項" in message and "全部又は主要な部分" in message
    assert not Subcontract.objects.exists()


def test_a_part_is_allowed_under_003_and_any_extent_where_the_template_allows_it(
    side, subs, kawasaki, nerima
):
    assert apply(side.contractor_admin, kawasaki, subs.orgs["x"], extent="part").extent == "part"
    whole = apply(side.contractor_admin, nerima, subs.orgs["x"], extent="whole")
    assert whole.extent == "whole"
    act(side.contractor_admin, whole, "submit")
    assert act(side.client_staff, whole, "approve").approval_state == "approved"


def test_the_extent_is_required(side, subs, nerima):
    with pytest.raises(ValidationError) as exc:
        apply(side.contractor_admin, nerima, subs.orgs["x"], extent="")
    assert "extent" in exc.value.message_dict


def test_an_edit_to_the_main_part_is_refused_under_003(side, subs, kawasaki):
    from contracts.services.subcontracts import subcontract_update

    link = apply(side.contractor_admin, kawasaki, subs.orgs["x"])
    manager = side.contractor_admin
    with pytest.raises(ValidationError) as exc:
        subcontract_update(
            actor=manager.user,
            actor_membership=manager,
            subcontract=link,
            **{**FIELDS, "extent": "main", "start_date": link.start_date, "end_date": link.end_date},
        )
    assert "extent" in exc.value.message_dict


def test_a_forbidden_extent_that_got_through_is_never_approved(side, subs, kawasaki):
    """Data written around the services (an import, an old row): no approve button, and the
    service refuses the approval with the article."""
    link = apply(side.contractor_admin, kawasaki, subs.orgs["x"])
    act(side.contractor_admin, link, "submit")
    Subcontract.objects.filter(pk=link.pk).update(extent="whole")
    link.refresh_from_db()
    staff = side.client_staff
    assert "approve" not in actions_for(staff.user, staff, link)
    assert "return" in actions_for(staff.user, staff, link)
    with pytest.raises(ValidationError) as exc, override("ja"):
        act(staff, link, "approve")
    assert "第6条第1項" in exc.value.messages[0]


def test_an_application_from_before_the_question_is_completed_before_submission(side, subs, kawasaki):
    link = apply(side.contractor_admin, kawasaki, subs.orgs["x"])
    Subcontract.objects.filter(pk=link.pk).update(extent="")
    with pytest.raises(ValidationError) as exc:
        act(side.contractor_admin, link, "submit")
    assert "extent" in exc.value.message_dict


# --- the pages and the PDF ---------------------------------------------------------------------


def _post(contract, org, **overrides):
    data = {k: v for k, v in FIELDS.items() if not isinstance(v, bool)}
    data.update(
        subcontractor=org.pk,
        handles_personal_info="on",
        precheck_confirmed="on",
        equivalent_terms="on",
        start_date=contract.start_date.isoformat(),
        end_date=contract.end_date.isoformat(),
    )
    data.update(overrides)
    return data


def test_the_form_asks_and_cites_the_article_before_and_after(client, side, subs, kawasaki):
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:subcontract_create", args=[kawasaki.pk])
    with override("ja"):
        page = client.get(url).content.decode()
        assert "再委託する業務の範囲" in page and "第6条第1項" in page
        assert all(f'value="{v}"' in page for v in ("part", "main", "whole"))
        # A name typed for a registered candidate: refused at the extent, with the article.
        response = client.post(
            url,
            _post(
                kawasaki,
                subs.orgs["x"],
                extent="whole",
                subcontractor="",
                subcontractor_name=subs.orgs["x"].name,
            ),
        )
    assert response.status_code == 200
    assert "第6条第1項" in response.context["form"].errors["extent"][0]
    assert not Subcontract.objects.exists()


def test_the_form_under_other_clauses_asks_without_the_warning(client, side, nerima):
    client.force_login(side.contractor_admin.user)
    with override("ja"):
        page = client.get(reverse("contracts:subcontract_create", args=[nerima.pk])).content.decode()
    assert 'name="extent"' in page and "第6条第1項" not in page


def test_the_approver_sees_what_was_applied_for(client, side, subs, kawasaki):
    link = apply(side.contractor_admin, kawasaki, subs.orgs["x"])
    act(side.contractor_admin, link, "submit")
    client.force_login(side.client_staff.user)
    with override("ja"):
        page = client.get(reverse("contracts:subcontract", args=[link.pk])).content.decode()
    assert "再委託する業務の範囲" in page and "<strong>業務の一部</strong>" in page
    assert "主要な部分を除く業務の一部だけ" in page
    # An old application without the answer is flagged to the approver.
    Subcontract.objects.filter(pk=link.pk).update(extent="")
    with override("ja"):
        page = client.get(reverse("contracts:subcontract", args=[link.pk])).content.decode()
    assert "判断の前に申請者に範囲を確認してください" in page


@pytest.mark.parametrize(("extent", "words"), [("part", "業務の一部"), ("whole", "業務の全部")])
def test_the_pdf_says_what_was_applied_for(client, side, subs, nerima, tmp_path, extent, words):
    link = apply(side.contractor_admin, nerima, subs.orgs["x"], extent=extent)
    client.force_login(side.contractor_admin.user)
    response = client.get(reverse("contracts:subcontract_pdf", args=[link.pk]))
    path = tmp_path / "s.pdf"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert f"次の契約に係る{words}を下記のとおり" in flat
    assert f"委託する範囲{words}" in flat
    if extent == "whole":
        assert "業務の一部" not in flat
