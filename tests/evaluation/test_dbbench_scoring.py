"""AgentBench's DBBench judge, case by case (expected values are what AgentBench's eval-based code gives)."""

from __future__ import annotations

import pytest

from cmat.evaluation.dbbench_scoring import dbbench_metrics, is_correct, parse_answer, select_correct


@pytest.mark.parametrize(
    ("answer", "label", "expected"),
    [
        (' ["March 19, 1998"]', ["March 19, 1998"], True),
        (" ['March 19, 1998']", ["March 19, 1998"], True),
        (' ["march 19, 1998"]', ["March 19, 1998"], False),  # exact string comparison
        (" 2011", ["2011.0"], True),  # list(2011) fails -> [' 2011'] -> float compare
        (" [2011]", ["2011.0"], True),
        (' ["2011"]', ["2011.0"], True),
        (' "abc"', ["abc"], False),  # list("abc") -> ['a', 'b', 'c']
        (" none", ["none"], False),  # NameError -> [' none'], leading space kept
        (' ["none"]', ["none"], True),
        (' ["K255AZ", "K228EE"]', ["K228EE", "K255AZ"], True),  # set comparison
        (' ["K255AZ", "K228EE", "K228EE"]', ["K228EE", "K255AZ"], True),
        (' ["K255AZ"]', ["K228EE", "K255AZ"], False),
        (" [1, 2]", ["1", "2"], False),  # ints vs strings in a set
        (" [1+1]", ["2"], True),  # eval would compute it
        (" [-3.5]", ["-3.5"], True),
        (" (1.0,)", ["1"], True),
        (" [[1, 2], 3]", ["a", "b"], False),  # unhashable -> not correct, no crash
        ("", ["x"], False),
        (None, ["x"], False),
    ],
)
def test_select_correct_matches_agentbench(answer: str | None, label: list[str], expected: bool) -> None:
    assert select_correct(answer, label) is expected


def test_model_text_is_never_executed(tmp_path: object) -> None:
    hostile = ' __import__("os").system("touch /tmp/cmat_pwned")'
    assert parse_answer(hostile) == [hostile]
    assert parse_answer(" open('x')") == [" open('x')"]
    assert parse_answer(" 'a' * 10**9") == [" 'a' * 10**9"]  # ** is refused, no memory blow-up


def test_mutation_judged_by_hash_string() -> None:
    assert is_correct("INSERT", "[('abc',)]", "[('abc',)]")
    assert not is_correct("UPDATE", "[('abd',)]", "[('abc',)]")
    assert not is_correct("UPDATE", None, "[('abc',)]")


def test_metrics_overall_is_mean_of_select_insert_update() -> None:
    records = [
        {"type": "other", "correct": True},
        {"type": "counting", "correct": False},
        {"type": "INSERT", "correct": True},
        {"type": "INSERT", "correct": True},
        {"type": "UPDATE", "correct": False},
    ]
    m = dbbench_metrics(records)
    assert m["agentbench"]["SELECT_accuracy"] == 0.5
    assert m["agentbench"]["INSERT_accuracy"] == 1.0
    assert m["agentbench"]["UPDATE_accuracy"] == 0.0
    assert m["overall"] == pytest.approx(0.5)
    assert m["per_type"]["other"] == 1.0 and m["per_type"]["counting"] == 0.0
    assert not m["overall_partial"]


def test_metrics_partial_when_a_category_is_missing() -> None:
    m = dbbench_metrics([{"type": "other", "correct": True}, {"type": "INSERT", "correct": False}])
    assert m["overall_partial"]
    assert m["overall"] == pytest.approx(0.5)
    assert m["agentbench"]["UPDATE_accuracy"] is None
