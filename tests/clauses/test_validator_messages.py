"""What the clause validator says about a broken template: the place (obligation by its key), the
closest spelling of a typo, and for a YAML syntax error the line, column and a plain explanation."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clauses.library import did_you_mean, read_file

# A small valid template, kept as text so that the YAML samples below break it at known lines.
GOOD = """\
id: sample-template
version: "1"
title: テスト用特記事項
issuer: テスト市
parties: {client: 甲, contractor: 乙}
article_count: 1
articles:
  - number: "1"
    heading: 体制
    summary: 名簿と誓約書を提出する。
    obligations:
      - key: 1.1-roster
        clause: "1.1"
        kind: roster
        actor: contractor
        summary: 名簿を提出し承認を得る。
        trigger: work_start
        deadline: {rule: immediately}
        fulfilled_by: [roster.approved]
        form: contracts.roster
      - key: 1.2-pledge
        clause: "1.2"
        kind: pledge
        actor: contractor
        summary: 従事者ごとに誓約書を提出する。
        trigger: event
        opens_on: [person.added]
        per_subject: true
        deadline: {rule: business_days_after, days: 5}
        fulfilled_by: [pledge.uploaded]
      - key: 1.3-no-ai
        clause: "1.3"
        kind: no-generative-ai
        actor: contractor
        summary: 生成AIに入力しないことを確認する。
        trigger: standing
        deadline: {rule: none}
        applies_if: [on_premises]
"""


def _problems(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return read_file(path)[1]


def _broken(old, new):
    assert GOOD.count(old) == 1, old
    return GOOD.replace(old, new)


def test_the_sample_is_valid(tmp_path):
    assert _problems(tmp_path, GOOD) == []


def test_an_unknown_field_names_the_obligation_key_and_the_right_spelling(tmp_path):
    text = _broken("        fulfilled_by: [pledge.uploaded]\n", "        evidense: upload\n")
    text = text.replace(
        "      - key: 1.2-pledge\n", "      - key: 1.2-pledge\n        fulfilled_by: [pledge.uploaded]\n"
    )
    (problem,) = _problems(tmp_path, text)
    assert problem.where.strip() == "article 1 obligation 1.2-pledge"
    assert problem.field == "evidense"
    assert problem.message == "unknown field 'evidense' — did you mean 'evidence'?"
    assert str(problem) == (
        "bad.yaml: article 1 obligation 1.2-pledge [evidense] "
        "unknown field 'evidense' — did you mean 'evidence'?"
    )


def test_an_obligation_without_a_key_is_named_by_its_position(tmp_path):
    text = _broken("      - key: 1.3-no-ai\n", "      - kye: 1.3-no-ai\n")
    problems = _problems(tmp_path, text)
    assert {(p.where.strip(), p.field) for p in problems} == {
        ("article 1 obligation #3", "key"),
        ("article 1 obligation #3", "kye"),
    }
    assert (
        next(p for p in problems if p.field == "kye").message == "unknown field 'kye' — did you mean 'key'?"
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ("kind: roster\n", "kind: rooster\n", "kind", "unknown kind 'rooster' — did you mean 'roster'?"),
        (
            "trigger: work_start\n",
            "trigger: work_stat\n",
            "trigger",
            "unknown trigger 'work_stat' — did you mean 'work_start'? (one of: contract_signed,",
        ),
        (
            "fulfilled_by: [pledge.uploaded]\n",
            "fulfilled_by: [pledge.uploaded]\n        evidence: attestaton\n",
            "evidence",
            "unknown evidence 'attestaton' — did you mean 'attestation'?",
        ),
        (
            "actor: contractor\n        summary: 名簿",
            "actor: contracter\n        summary: 名簿",
            "actor",
            "unknown actor 'contracter' — did you mean 'contractor'?",
        ),
        (
            "applies_if: [on_premises]\n",
            "applies_if: [on_premise]\n",
            "applies_if",
            "unknown contract flag 'on_premise' — did you mean 'on_premises'?",
        ),
        (
            "fulfilled_by: [roster.approved]\n",
            "fulfilled_by: [roster.aproved]\n",
            "fulfilled_by",
            "unknown event kind 'roster.aproved': no app declares it (<app>/events.py)"
            " — did you mean 'roster.approved'?",
        ),
        (
            "opens_on: [person.added]\n",
            "opens_on: [person.aded]\n",
            "opens_on",
            "— did you mean 'person.added'?",
        ),
        (
            "form: contracts.roster\n",
            "form: contracts.rooster\n",
            "form",
            "unknown form id 'contracts.rooster': no app registers it (core.pdf.register_form)"
            " — did you mean 'contracts.roster'?",
        ),
        ("heading: 体制\n", "heding: 体制\n", "heding", "unknown field 'heding' — did you mean 'heading'?"),
        ("title: テスト", "titel: テスト", "titel", "unknown field 'titel' — did you mean 'title'?"),
    ],
)
def test_a_typo_gets_the_closest_spelling(tmp_path, old, new, field, expected):
    problems = _problems(tmp_path, _broken(old, new))
    assert any(p.field == field and expected in p.message for p in problems), [str(p) for p in problems]


def test_a_value_close_to_nothing_gets_no_guess(tmp_path):
    (problem,) = _problems(tmp_path, _broken("kind: roster\n", "kind: teleport\n"))
    assert problem.field == "kind" and "did you mean" not in problem.message
    assert "unknown kind 'teleport'" in problem.message
    # Where to look instead of guessing: the generated list of every kind.
    assert "docs/clause-template-reference.md" in problem.message
    assert did_you_mean("zzz", ["roster", "pledge"]) == ""
    assert did_you_mean(None, ["roster"]) == ""


# Broken YAML: (the text, line, column, words of the plain explanation).
YAML_SAMPLES = [
    pytest.param(
        _broken("summary: 名簿を提出し承認を得る。", "summary: 注意: 名簿を提出する。"),
        16,
        20,
        "quote a value that contains ': '",
        id="colon-in-a-value",
    ),
    pytest.param(
        _broken(
            "        actor: contractor\n        summary: 名簿", "        actor: contractor\n\tsummary: 名簿"
        ),
        16,
        1,
        "a tab character: YAML indents with spaces only",
        id="tab",
    ),
    pytest.param(
        _broken("        trigger: standing\n", "       trigger: standing\n"),
        36,
        8,
        "the indentation does not line up",
        id="indentation",
    ),
    pytest.param(
        _broken(
            "summary: 生成AIに入力しないことを確認する。", "summary: '生成AIに入力しないことを確認する。"
        ),
        39,
        1,
        "a quote is not closed: end the text with the same quote it starts with (see line 35, column 18,",
        id="unclosed-quote",
    ),
    pytest.param(
        _broken("fulfilled_by: [roster.approved]", "fulfilled_by: [roster.approved"),
        20,
        13,
        "a list in [ ] is not closed, or its items are not separated by ','",
        id="unclosed-list",
    ),
    pytest.param(
        _broken(
            "        form: contracts.roster\n",
            "        form: contracts.roster\n        fulfilled_by: [person.added]\n",
        ),
        21,
        9,
        "a field given twice in the same mapping: YAML would silently keep only the last one, "
        "so write it once (see line 19, column 9, where it is first given)",
        id="duplicate-key",
    ),
    pytest.param(
        _broken("summary: 名簿と誓約書を提出する。", 'summary: "名簿\\と誓約書"'),
        10,
        18,
        "inside double quotes a backslash starts an escape",
        id="escape",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "plain"), YAML_SAMPLES)
def test_broken_yaml_gives_line_column_and_a_plain_explanation(tmp_path, text, line, column, plain):
    (problem,) = _problems(tmp_path, text)
    assert problem.field == "(yaml)"
    assert problem.where == f"line {line}, column {column}", str(problem)
    assert plain in problem.message, str(problem)
    # The parser's own words follow, for whoever knows YAML.
    assert "(" in problem.message and ")" in problem.message


def test_broken_yaml_shows_the_line_it_stopped_at(tmp_path):
    text = _broken("summary: 名簿を提出し承認を得る。", "summary: 注意: 名簿を提出する。")
    (problem,) = _problems(tmp_path, text)
    assert problem.message.endswith("the line reads: summary: 注意: 名簿を提出する。")


def test_a_file_that_is_not_utf8_is_said_so(tmp_path):
    path = tmp_path / "sjis.yaml"
    path.write_bytes(GOOD.encode("shift_jis"))
    (problem,) = read_file(path)[1]
    assert problem.field == "(file)" and "is not UTF-8 text" in problem.message


def test_the_validate_command_prints_the_messages(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(_broken("kind: roster\n", "kind: rooster\n"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("clause_library", "validate", str(path), stderr=err, stdout=StringIO())
    assert (
        "bad.yaml: article 1 obligation 1.1-roster [kind] unknown kind 'rooster' — did you mean 'roster'?"
        in err.getvalue()
    )
    path.write_text(_broken("        trigger: standing\n", "       trigger: standing\n"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("clause_library", "validate", str(path), stderr=err, stdout=StringIO())
    assert "bad.yaml: line 36, column 8 [(yaml)] the indentation does not line up" in err.getvalue()
