"""Japanese era (和暦) dates, as public bodies write them on official documents: formatting
(:func:`format_wareki` …) and parsing what people type (:func:`parse_date`, used by the xlsx
importer)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from itertools import pairwise
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

JST: Final = ZoneInfo("Asia/Tokyo")

# Newest first, so the first era that started on or before a date is its era. A fixed table rather
# than japanera: its %-Y prints 明治1年/令和1年 instead of 元年, and a new era is a one-line change here.
# 明治 counts from 1868-01-25 (慶応4年1月1日), as the era was proclaimed retroactively to that day;
# Japan used the lunisolar calendar until 明治6年 (1873), so month/day before 1873 are proleptic
# Gregorian, not the dates written at the time.
_ERAS: Final[tuple[tuple[date, str], ...]] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 1, 25), "明治"),
)

WEEKDAYS: Final = ("月", "火", "水", "木", "金", "土", "日")


def to_local_date(value: date | datetime) -> date:
    """The calendar date in Japan: aware datetimes are converted to JST, naive ones taken as local."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, JST)
        return value.date()
    return value


def _era_year(d: date) -> str:
    for start, name in _ERAS:
        if d >= start:
            year = d.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    raise ValueError(f"{d.isoformat()} is before the Meiji era")


def format_wareki_year(value: date | datetime | None) -> str:
    """E.g. "令和7年"; "" for None or ""."""
    if not value:
        return ""
    return _era_year(to_local_date(value))


def format_wareki(value: date | datetime | None, *, with_weekday: bool = False) -> str:
    """E.g. "令和7年3月4日", or "令和7年3月4日（火）" with_weekday; "" for None or ""."""
    if not value:
        return ""
    d = to_local_date(value)
    text = f"{_era_year(d)}{d.month}月{d.day}日"
    if with_weekday:
        text += f"（{WEEKDAYS[d.weekday()]}）"
    return text


def format_wareki_datetime(value: datetime | None, *, with_weekday: bool = False) -> str:
    """E.g. "令和7年3月4日 14時05分" in JST; "" for None or ""."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        # A date has no time; printing 0時00分 would state a time nobody recorded.
        raise TypeError(f"format_wareki_datetime() needs a datetime, not {type(value).__name__}")
    if timezone.is_aware(value):
        value = timezone.localtime(value, JST)
    return f"{format_wareki(value, with_weekday=with_weekday)} {value.hour}時{value.minute:02d}分"


# --- Parsing ---------------------------------------------------------------------------------

_ERA_NAMES: Final = {name: start for start, name in _ERAS}
_ERA_LETTERS: Final = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
# An era ends the day its successor begins (_ERAS is newest first).
_ERA_END: Final = {name: later for (later, _later_name), (_start, name) in pairwise(_ERAS)}
_WESTERN_RE: Final = re.compile(
    r"(?P<y>[1-9][0-9]{3})(?:"
    r"(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<mk>[0-9]{1,2})月(?P<dk>[0-9]{1,2})日"
    r"|(?P<m8>[0-9]{2})(?P<d8>[0-9]{2}))",
    re.ASCII,
)
_WAREKI_RE: Final = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])(?P<y>元|[0-9]{1,2})(?:"
    r"(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<mk>[0-9]{1,2})月(?P<dk>[0-9]{1,2})日)"
)
_WEEKDAY_RE: Final = re.compile(r"\((?P<w>[月火水木金土日])(?:曜日?)?\)$")
_WEEKDAYS: Final = "月火水木金土日"


def parse_date(text: str) -> date:
    """A date as people type it in Japan; raises ``ValueError`` with a message for the user.

    Accepts 2025/4/1, 2025-04-01, 2025.4.1, 2025年4月1日, 20250401 and 和暦: 令和7年4月1日, 令和元年5月1日,
    R7.4.1, R7/4/1, H31.4.30, ㋿7年4月1日 (明治, 大正, 昭和, 平成, 令和; M/T/S/H/R), full- or
    half-width, optionally followed by the weekday in brackets, which must then be right: (火), （火曜日）.
    """
    try:
        return _parse_date(text)
    except _InvalidDate as invalid:
        raise ValueError(invalid.message) from None


class _InvalidDate(Exception):
    # Not a ValueError, so that nothing the parser calls can be mistaken for a message to the user.
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def date_hint() -> str:
    """The message for text that is not a date at all (also used for cells that hold no date)."""
    return _("Enter a date such as 2025/04/01 or 令和7年4月1日.")


def _parse_date(text: str) -> date:
    # NFKC folds full-width digits and punctuation, and ㋿/㍻/㍼ into 令和/平成/昭和.
    normalised = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    weekday = None
    if match := _WEEKDAY_RE.search(normalised):
        weekday = _WEEKDAYS.index(match["w"])
        normalised = normalised[: match.start()]
    if match := _WESTERN_RE.fullmatch(normalised):
        result = _make_date(int(match["y"]), *_month_day(match))
    elif match := _WAREKI_RE.fullmatch(normalised):
        era = _ERA_LETTERS.get(match["era"], match["era"])
        start = _ERA_NAMES[era]
        era_year = 1 if match["y"] == "元" else int(match["y"])
        if era_year < 1:
            raise _InvalidDate(_("This date does not exist."))
        result = _make_date(start.year + era_year - 1, *_month_day(match))
        end = _ERA_END.get(era)
        if result < start or (end is not None and result >= end):
            raise _InvalidDate(_era_range_message(era, start, end))
    else:
        raise _InvalidDate(date_hint())
    if weekday is not None and result.weekday() != weekday:
        raise _InvalidDate(
            _("The weekday in brackets does not match the date (%(date)s is a %(weekday)s).")
            % {"date": result.strftime("%Y/%m/%d"), "weekday": formats.date_format(result, "l")}
        )
    return result


def _month_day(match: re.Match[str]) -> tuple[int, int]:
    for month, day in (("m", "d"), ("mk", "dk"), ("m8", "d8")):
        if match.groupdict().get(month):
            return int(match[month]), int(match[day])
    raise AssertionError(match)  # pragma: no cover


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _InvalidDate(_("This date does not exist.")) from None


def _era_range_message(era: str, start: date, end: date | None) -> str:
    if end is None:
        return _("%(era)s began on %(start)s; this date is before it.") % {
            "era": era,
            "start": format_wareki(start),
        }
    return _("%(era)s ran from %(start)s to %(end)s; this date is outside it.") % {
        "era": era,
        "start": format_wareki(start),
        "end": format_wareki(date.fromordinal(end.toordinal() - 1)),
    }
