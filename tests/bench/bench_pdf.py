"""Benchmark of the PDF engine: render the sample form N times, print ms/page and PDF size.

Run from the project root: ``python tests/bench/bench_pdf.py [-n 20] [--rows 10]``.
Not a pytest test (the file name does not start with test_), so it never slows the suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import zlib
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def sample_context(rows: int) -> dict[str, Any]:
    return {
        "issued_on": date(2025, 3, 4),
        "public_body": "所沢市",
        "contract_number": "令06-情-0123",
        "contract_title": "住民情報システム運用保守業務委託",
        "party_words": {"client": "発注者", "contractor": "受注者"},
        "rows": [
            {"name": f"山田太郎{i}", "affiliation": "株式会社サンプル情報 開発部", "role": "作業者"}
            for i in range(1, rows + 1)
        ],
    }


def page_count(data: bytes) -> int:
    # WeasyPrint packs page objects into compressed object streams, so a plain byte search finds
    # nothing; prefer poppler, else inflate the streams and count page objects ourselves.
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        out = subprocess.run([pdfinfo, "-"], input=data, capture_output=True, check=True).stdout
        match = re.search(rb"^Pages:\s+(\d+)", out, re.MULTILINE)
        if match:
            return int(match[1])
    count = 0
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            body = zlib.decompress(stream[1])
        except zlib.error:
            continue
        count += len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", body))
    return max(count, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=20, help="timed renders (default 20)")
    parser.add_argument("--rows", type=int, default=10, help="people rows in the sample (default 10)")
    args = parser.parse_args(argv)

    # Run as a script, so the project root is not on sys.path by itself.
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()

    from core.pdf import pdf_sha256, render_form

    context = sample_context(args.rows)

    # The first render pays for font loading and template compilation; report it apart.
    started = time.perf_counter()
    data = render_form("core.sample", context)
    first_ms = (time.perf_counter() - started) * 1000
    pages = page_count(data)

    timings: list[float] = []
    for _ in range(args.count):
        started = time.perf_counter()
        data = render_form("core.sample", context)
        timings.append((time.perf_counter() - started) * 1000)

    mean = statistics.fmean(timings)
    print(f"form core.sample, {args.rows} rows, {pages} page(s), {args.count} renders after a warm-up")
    print(f"first render: {first_ms:.1f} ms")
    print(
        f"ms/render: mean {mean:.1f}, median {statistics.median(timings):.1f}, "
        f"min {min(timings):.1f}, max {max(timings):.1f}"
    )
    print(f"ms/page: {mean / pages:.1f}")
    print(f"PDF size: {len(data)} bytes ({len(data) / pages / 1024:.1f} KiB/page)")
    print(f"sha256: {pdf_sha256(data)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
