from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.utils import translation

from core.templatetags import wareki as wareki_filters
from core.wareki import format_wareki, format_wareki_datetime, format_wareki_year, parse_date


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 3, 4), "令和7年3月4日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1868, 1, 25), "明治元年1月25日"),
        (date(1873, 1, 1), "明治6年1月1日"),
    ],
)
def test_format_wareki(d: date, expected: str) -> None:
    assert format_wareki(d) == expected


def test_before_meiji_is_rejected() -> None:
    with pytest.raises(ValueError, match="before the Meiji era"):
        format_wareki(date(1868, 1, 24))


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 3, 4), "令和7年3月4日（火）"),
        (date(2019, 5, 1), "令和元年5月1日（水）"),
        (date(2025, 3, 9), "令和7年3月9日（日）"),
    ],
)
def test_with_weekday(d: date, expected: str) -> None:
    assert format_wareki(d, with_weekday=True) == expected


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        # 15:30 UTC is already the next day in Japan.
        (datetime(2025, 3, 3, 15, 30, tzinfo=UTC), "令和7年3月4日"),
        (datetime(2025, 3, 3, 14, 59, tzinfo=UTC), "令和7年3月3日"),
        (datetime(2019, 4, 30, 15, 0, tzinfo=UTC), "令和元年5月1日"),
        (datetime(2025, 3, 4, 8, 0, tzinfo=timezone(timedelta(hours=-5))), "令和7年3月4日"),
        # Naive datetimes are taken as already in Japan time.
        (datetime(2025, 3, 3, 23, 30), "令和7年3月3日"),
    ],
)
def test_datetimes_use_the_date_in_japan(dt: datetime, expected: str) -> None:
    assert format_wareki(dt) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 3, 4), "令和7年"),
        (date(2019, 5, 1), "令和元年"),
        (date(1989, 1, 7), "昭和64年"),
        (datetime(2019, 4, 30, 15, 0, tzinfo=UTC), "令和元年"),
    ],
)
def test_format_wareki_year(value: date, expected: str) -> None:
    assert format_wareki_year(value) == expected


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (datetime(2025, 3, 4, 5, 5, tzinfo=UTC), "令和7年3月4日 14時05分"),
        (datetime(2025, 3, 3, 15, 0, tzinfo=UTC), "令和7年3月4日 0時00分"),
        (datetime(2025, 3, 4, 9, 30), "令和7年3月4日 9時30分"),
    ],
)
def test_format_wareki_datetime(dt: datetime, expected: str) -> None:
    assert format_wareki_datetime(dt) == expected


def test_format_wareki_datetime_with_weekday() -> None:
    dt = datetime(2025, 3, 4, 5, 5, tzinfo=UTC)
    assert format_wareki_datetime(dt, with_weekday=True) == "令和7年3月4日（火） 14時05分"


def test_format_wareki_datetime_refuses_a_plain_date() -> None:
    with pytest.raises(TypeError):
        format_wareki_datetime(date(2025, 3, 4))  # type: ignore[arg-type]


@pytest.mark.parametrize("func", [format_wareki, format_wareki_year, format_wareki_datetime])
@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input_gives_empty_string(func, empty) -> None:
    assert func(empty) == ""


@pytest.mark.parametrize(
    ("filter_func", "value", "expected"),
    [
        (wareki_filters.wareki, date(2025, 3, 4), "令和7年3月4日"),
        (wareki_filters.wareki, datetime(2025, 3, 3, 15, 30, tzinfo=UTC), "令和7年3月4日"),
        (wareki_filters.wareki_weekday, date(2025, 3, 4), "令和7年3月4日（火）"),
        (wareki_filters.wareki_datetime, datetime(2025, 3, 4, 5, 5, tzinfo=UTC), "令和7年3月4日 14時05分"),
        (wareki_filters.wareki_datetime, date(2025, 3, 4), "令和7年3月4日"),
    ],
)
def test_filters(filter_func, value, expected) -> None:
    assert filter_func(value) == expected


@pytest.mark.parametrize(
    "filter_func", [wareki_filters.wareki, wareki_filters.wareki_weekday, wareki_filters.wareki_datetime]
)
@pytest.mark.parametrize("value", [None, "", "2025-03-04", 20250304, date(1800, 1, 1)])
def test_filters_render_nothing_for_non_dates(filter_func, value) -> None:
    assert filter_func(value) == ""


def test_filters_through_django_templates() -> None:
    # The filters are builtins (settings.TEMPLATES), so no {% load %} is needed.
    from django.template import Context, Template

    template = Template("{{ d|wareki }}|{{ d|wareki_weekday }}|{{ dt|wareki_datetime }}|{{ missing|wareki }}")
    rendered = template.render(
        Context({"d": date(2019, 5, 1), "dt": datetime(2025, 3, 3, 15, 30, tzinfo=UTC)})
    )
    assert rendered == "令和元年5月1日|令和元年5月1日（水）|令和7年3月4日 0時30分|"


# --- parsing (what people type; the xlsx importer reads date cells with it) ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("r7/4/1", date(2025, 4, 1)),
        ("R07.04.01", date(2025, 4, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("令和 7 年 4 月 1 日", date(2025, 4, 1)),
        ("令和７年４月１日", date(2025, 4, 1)),
        ("㋿7年4月1日", date(2025, 4, 1)),
        ("令和7年4月1日（火）", date(2025, 4, 1)),
        ("令和7年4月1日(火曜日)", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("2025-04-01", date(2025, 4, 1)),
        ("2025.4.1", date(2025, 4, 1)),
        ("２０２５／４／１", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成31年5月1日", "平成 ran from 平成元年1月8日 to 平成31年4月30日; this date is outside it."),
        ("昭和64年1月8日", "昭和 ran from 昭和元年12月25日 to 昭和64年1月7日; this date is outside it."),
        ("令和元年4月30日", "令和 began on 令和元年5月1日; this date is before it."),
        ("2025/2/29", "This date does not exist."),
        ("R0.1.1", "This date does not exist."),
        ("2025/4-1", "Enter a date such as 2025/04/01 or 令和7年4月1日."),
        ("25/4/1", "Enter a date such as 2025/04/01 or 令和7年4月1日."),
        ("来週", "Enter a date such as 2025/04/01 or 令和7年4月1日."),
        ("令和7年4月1日（水）", "The weekday in brackets does not match the date (2025/04/01 is a Tuesday)."),
    ],
)
def test_parse_date_refuses(text: str, message: str) -> None:
    with translation.override("en"), pytest.raises(ValueError) as raised:
        parse_date(text)
    assert str(raised.value) == message
