"""The date inputs say the chosen day in 和暦 beside the browser's picker, and the date fields
read dates typed the ways they are written in Japan (core/widgets.py, core.validators)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

from core.validators import PlausibleDateField
from core.wareki import JST
from core.widgets import WarekiDateInput, WarekiDateTimeInput


class DayForm(forms.Form):
    day = PlausibleDateField(widget=WarekiDateInput())


def test_the_readout_says_the_initial_day_in_wareki():
    html = str(DayForm(initial={"day": date(2026, 12, 4)})["day"])
    assert 'type="date"' in html and 'value="2026-12-04"' in html
    assert "令和8年12月4日（金）</output>" in html


def test_the_readout_of_an_era_s_first_year_says_gannen():
    assert "令和元年5月1日（水）" in str(DayForm(initial={"day": date(2019, 5, 1)})["day"])


def test_a_bound_form_shows_what_was_sent_and_an_empty_readout_for_nonsense():
    assert "令和8年12月4日" in str(DayForm(data={"day": "2026-12-04"})["day"])
    html = str(DayForm(data={"day": "あした"})["day"])
    assert 'value="あした"' in html and 'aria-live="polite"></output>' in html


@pytest.mark.parametrize("typed", ["令和8年12月4日", "R8.12.4", "2026/12/4", "２０２６年１２月４日"])
def test_a_date_typed_as_people_write_it_in_japan_is_read(typed):
    form = DayForm(data={"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 12, 4)


def test_a_wrong_date_gets_the_parser_s_message_in_japanese():
    with translation.override("ja"):
        form = DayForm(data={"day": "令和8年2月30日"})
        assert not form.is_valid()
        assert form.errors["day"] == ["存在しない日付です。"]


def test_the_moment_readout_gives_the_time_in_japan():
    widget = WarekiDateTimeInput()
    html = widget.render("at", datetime(2026, 12, 4, 5, 7, tzinfo=JST))
    assert 'type="datetime-local"' in html and 'value="2026-12-04T05:07"' in html
    assert "令和8年12月4日（金） 5時07分" in html
