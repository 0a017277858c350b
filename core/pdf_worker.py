"""The process that turns HTML into PDF for core.pdf, so that a render can be stopped.

A thread cannot be killed and ``signal.alarm`` works only in a main thread (not in gunicorn's
threads), so core.pdf hands the HTML to this long-lived child and kills it when the time limit
passes. It reads requests from stdin and answers on stdout, one at a time, framed as
``<4-byte length><JSON header>`` then the payload; it needs WeasyPrint and nothing of Django.

Run by core.pdf as ``python -m core.pdf_worker``; not meant to be started by hand.
"""

from __future__ import annotations

import gc
import json
import struct
import sys
import traceback
from pathlib import Path
from typing import BinaryIO

_HEADER = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> tuple[dict, bytes] | None:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    meta = json.loads(stream.read(_HEADER.unpack(head)[0]))
    payload = stream.read(meta["size"])
    return meta, payload


def write_frame(stream: BinaryIO, meta: dict, payload: bytes = b"") -> None:
    header = json.dumps({**meta, "size": len(payload)}).encode()
    stream.write(_HEADER.pack(len(header)) + header + payload)
    stream.flush()


def main() -> int:
    from weasyprint import HTML

    from core.pdf import StaticFilesOnlyURLFetcher

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Anything a library prints must not corrupt the frames on stdout.
    sys.stdout = sys.stderr
    # Load fonts once before saying ready, so the first real render is not charged for it.
    HTML(string="<p style='font-family: IPAexMincho'>あ</p>").write_pdf()
    # WeasyPrint's modules and the loaded fonts live as long as the process: keep them out of
    # every later collection.
    gc.collect()
    gc.freeze()
    write_frame(stdout, {"ok": True, "ready": True})
    while (request := read_frame(stdin)) is not None:
        meta, html = request
        # No cyclic GC during a render: a long document builds hundreds of thousands of boxes,
        # and the collector's full passes over that growing heap made the render super-linear
        # (a 500-row roster: 29.9 s with it, about 14 s without; docs/performance.md). Reference
        # counting still frees most of it; the cycles go in one collection after the answer.
        gc.disable()
        data = b""
        try:
            data = HTML(
                string=html.decode("utf-8"),
                base_url=meta["base_url"],
                url_fetcher=StaticFilesOnlyURLFetcher(static_root=Path(meta["static_root"])),
            ).write_pdf()
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            write_frame(stdout, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        else:
            write_frame(stdout, {"ok": True}, data)
        finally:
            gc.enable()
        data = request = html = None
        gc.collect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
