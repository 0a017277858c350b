"""The clause library's browser: the public bodies' view of loaded templates and their versions."""

from django.urls import reverse

from clauses.services import clause_template_load
from tests.clauses.conftest import DATA


def test_template_browser_and_compare(client, side, mini_template, tmp_path):

    revised = tmp_path / "mini-2.yaml"
    revised.write_text(
        (DATA / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace('version: "1"', 'version: "2"')
        .replace("3か月ごとに", "毎月"),
        encoding="utf-8",
    )
    new, _ = clause_template_load(path=revised)
    client.force_login(side.client_staff.user)
    assert "テスト用特記事項" in client.get(reverse("clauses:template_list")).content.decode()
    detail = client.get(reverse("clauses:template_detail", args=[mini_template.pk])).content.decode()
    # The event that meets a duty is named in words, not by its code.
    assert "第2条 体制" in detail and "従事者名簿: 承認" in detail and "roster.approved" not in detail
    diff = client.get(reverse("clauses:template_compare"), {"old": mini_template.pk, "new": new.pk})
    assert [c[1]["text"][:4] for c in diff.context["diff"]["changed"]] == ["毎月取扱"]
    client.force_login(side.contractor_admin.user)
    assert client.get(reverse("clauses:template_list")).status_code == 404


def test_library_pages_are_404_for_contractors_and_missing_templates(client, side, mini_template):
    # clauses.access: forbidden and missing look the same.
    client.force_login(side.contractor_admin.user)
    assert client.get(reverse("clauses:template_detail", args=[mini_template.pk])).status_code == 404
    assert client.get(reverse("clauses:template_compare")).status_code == 404
    client.force_login(side.client_staff.user)
    assert client.get(reverse("clauses:template_detail", args=[mini_template.pk + 999])).status_code == 404
    assert client.get(reverse("clauses:template_detail", args=[mini_template.pk])).status_code == 200
