"""Japanese era (和暦) formatting of dates, as public bodies write them on official documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import timezone

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
