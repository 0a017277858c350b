"""The PDF engine: registry, rendering, fonts, page size, escaping and the no-network fetcher.

Text and fonts are checked with poppler's own tools on the real PDF rather than by grepping bytes:
WeasyPrint subsets and compresses fonts, so only an extractor sees what a reader will see.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import get_template
from django.test import override_settings

from core import pdf

SAMPLE_CONTEXT: dict[str, Any] = {
    "issued_on": date(2025, 3, 4),
    "public_body": "所沢市",
    "contract_number": "令06-情-0123",
    "contract_title": "住民情報システム運用保守業務委託",
    "party_words": {"client": "発注者", "contractor": "受注者"},
    "rows": [
        {"name": "山田太郎", "affiliation": "株式会社サンプル情報 開発部", "role": "業務責任者"},
        {"name": "<b>x</b>", "affiliation": "<script>alert(1)</script>", "role": "作業者"},
    ],
}

A4_PTS = (595.28, 841.89)


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (Debian package poppler-utils) is not installed")
    return path


def _run(*args: str | Path) -> str:
    return subprocess.run(
        [str(a) for a in args], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One render shared by the poppler checks: rendering is the slow part.
    data = pdf.render_form("core.sample", SAMPLE_CONTEXT)
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(data)
    return path


@pytest.fixture
def sample_text(sample_pdf: Path) -> str:
    pdftotext = _require("pdftotext")
    return _run(pdftotext, "-layout", "-enc", "UTF-8", sample_pdf, "-")


def test_render_form_returns_pdf_with_japanese_text(tmp_path: Path) -> None:
    pdftotext = _require("pdftotext")
    data = pdf.render_form("core.sample", SAMPLE_CONTEXT)
    assert data.startswith(b"%PDF")
    path = tmp_path / "sample.pdf"
    path.write_bytes(data)

    text = _run(pdftotext, "-layout", "-enc", "UTF-8", path, "-")

    for expected in ("所沢市", "令和7年3月4日", "発注者", "受注者", "山田太郎", "誓約書", "様式第1号"):
        assert expected in text, f"{expected!r} missing from the PDF text:\n{text}"
    assert "令06-情-0123" in text
    assert re.search(r"1\s*/\s*1", text), "page number 'n / N' missing"


def test_fonts_are_ipaex_and_embedded(sample_pdf: Path) -> None:
    _require("pdftotext")
    pdffonts = _require("pdffonts")
    output = _run(pdffonts, sample_pdf)
    lines = output.splitlines()
    separator = next(i for i, line in enumerate(lines) if line.startswith("---"))
    fonts = [line for line in lines[separator + 1 :] if line.strip()]

    assert fonts, output
    assert any("IPAexMincho" in line or "IPAexGothic" in line for line in fonts), output
    for line in fonts:
        # The font type has spaces in it ("CID TrueType"); count the fixed columns from the right:
        # emb sub uni object-number generation.
        emb = line.split()[-5]
        assert emb == "yes", f"font not embedded: {line}"


def test_page_is_a4(sample_pdf: Path) -> None:
    _require("pdftotext")
    pdfinfo = _require("pdfinfo")
    output = _run(pdfinfo, sample_pdf)
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", output)
    assert match, output
    width, height = float(match[1]), float(match[2])
    assert abs(width - A4_PTS[0]) < 1
    assert abs(height - A4_PTS[1]) < 1


def test_context_html_is_escaped(sample_text: str) -> None:
    assert "<b>x</b>" in sample_text
    assert "<script>alert(1)</script>" in sample_text


def test_same_input_gives_same_bytes() -> None:
    # Reminders and exports record pdf_sha256 as evidence; that only works if rendering is stable.
    first = pdf.render_form("core.sample", SAMPLE_CONTEXT)
    second = pdf.render_form("core.sample", SAMPLE_CONTEXT)
    assert pdf.pdf_sha256(first) == pdf.pdf_sha256(second)
    assert re.fullmatch(r"[0-9a-f]{64}", pdf.pdf_sha256(first))


def test_unknown_form_id_raises_key_error_naming_known_ids() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.form.*core\.sample"):
        pdf.render_form("no.such.form", SAMPLE_CONTEXT)


def test_sample_form_is_registered() -> None:
    form = pdf.get_form("core.sample")
    assert form.template_name == "pdf/core/sample_form.html"
    assert str(form.title) == "様式見本"
    assert form in pdf.registered_forms()


def test_every_registered_template_exists() -> None:
    for form in pdf.registered_forms():
        get_template(form.template_name)


def test_register_form_refuses_a_clashing_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "_registry", dict(pdf._registry))

    again = pdf.register_form("core.sample", template_name="pdf/core/sample_form.html", title="x")
    assert again is pdf.get_form("core.sample")
    with pytest.raises(ValueError, match="already registered"):
        pdf.register_form("core.sample", template_name="pdf/other.html", title="x")
    with pytest.raises(ValueError):
        pdf.register_form("bad id", template_name="pdf/other.html", title="x")

    added = pdf.register_form("tests.extra", template_name="pdf/core/sample_form.html", title="追加")
    assert {"core.sample", "tests.extra"} <= {f.form_id for f in pdf.registered_forms()}
    assert pdf.get_form("tests.extra") is added


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/x.css",
        "HTTP://127.0.0.1:8000/static/css/pdf.css",
        "ftp://example.com/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://otherhost/static/x.css",
    ],
)
def test_url_fetcher_refuses_anything_but_static_files(url: str) -> None:
    fetcher = pdf.StaticFilesOnlyURLFetcher()
    with pytest.raises(ValueError):
        fetcher(url)


def test_url_fetcher_refuses_escaping_static_with_dotdot(settings: Any) -> None:
    fetcher = pdf.StaticFilesOnlyURLFetcher()
    url = (Path(settings.BASE_DIR) / "static" / ".." / "pyproject.toml").as_uri()
    with pytest.raises(ValueError):
        fetcher(url)


def test_url_fetcher_serves_files_under_static(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text("<svg/>", encoding="utf-8")
    fetcher = pdf.StaticFilesOnlyURLFetcher(static_root=tmp_path)
    response = fetcher((tmp_path / "logo.svg").as_uri())
    try:
        assert response.read() == b"<svg/>"
    finally:
        response.close()


def test_render_never_opens_a_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # WeasyPrint turns fetch errors into warnings, so a refused URL must be proven by "no connection
    # was attempted", not by an exception.
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network disabled in test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "remote.html").write_text(
        '{% extends "pdf/base.html" %}{% block body %}'
        '<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="https://example.com/x.css">'
        "<p>{{ public_body }}</p>{% endblock %}",
        encoding="utf-8",
    )
    templates = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path, Path(pdf.settings.BASE_DIR) / "templates"],
            "OPTIONS": {"builtins": ["core.templatetags.wareki"]},
        }
    ]
    with override_settings(TEMPLATES=templates):
        data = pdf.render_pdf("pdf/remote.html", {"public_body": "所沢市"})

    assert data.startswith(b"%PDF")
    assert attempts == []


def test_parenthesised_digits_have_a_glyph(tmp_path: Path) -> None:
    # IPAex lacks ⑴ ⑵ …, which clause texts use (「第17条⑵」): the vendored subset must carry them,
    # embedded, and the text layer must keep the character itself (not a box or a substitute).
    pdftotext = _require("pdftotext")
    pdffonts = _require("pdffonts")
    data = pdf.render_form("core.sample", {**SAMPLE_CONTEXT, "contract_title": "第17条⑵に基づく業務①"})
    path = tmp_path / "enclosed.pdf"
    path.write_bytes(data)

    fonts = _run(pdffonts, path)
    assert "Portal-Enclosed" in fonts, fonts
    assert "第17条⑵に基づく業務①" in _run(pdftotext, "-enc", "UTF-8", path, "-").replace("\n", "")
