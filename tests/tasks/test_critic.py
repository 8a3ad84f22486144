"""Critic examples: the llm Checker learns from same-state pairs (what failed vs what worked)."""

from __future__ import annotations

from typing import Any

from cmat.agents.checkers import parse_verdict
from cmat.tasks import generate_tasks
from cmat.tasks.corrections import correction_examples
from cmat.tasks.critic import critic_examples, outcome_feedback, pairs_from_corrections, schema_from_prompt


def _op(sql: str) -> str:
    return f"Let me look.\nAction: Operation\n```sql\n{sql}\n```"


TASK = ("How many seats did the Green party win?\nThe name of this table is Council seats, and the headers of this "
        "table are Party,Seats,Votes.")
PAIR: dict[str, Any] = {
    "id": "7", "type": "other", "step": 0,
    "prompt": [{"role": "user", "content": "instructions"}, {"role": "assistant", "content": "Ok."},
               {"role": "user", "content": TASK}],
    "chosen": _op("SELECT `Seats` FROM `Council seats` WHERE `Party` = 'Green'"),
    "rejected": _op("SELECT `Votes` FROM `Council seats` WHERE `Party` = 'Green'"),
    "feedback": "environment: completed",
}


def test_the_task_sentence_gives_the_schema() -> None:
    assert schema_from_prompt(TASK) == {"Council seats": ["Party", "Seats", "Votes"]}
    assert schema_from_prompt("no table here") == {}


def test_a_pair_gives_an_approval_and_a_rejection_in_the_checkers_own_format() -> None:
    approve, reject = critic_examples([PAIR], "dbbench")
    for example, reply in ((approve, PAIR["chosen"]), (reject, PAIR["rejected"])):
        system, user, target = example["messages"]
        assert (system["role"], user["role"], target["role"]) == ("system", "user", "assistant")
        assert "MySQL database" in system["content"]  # the DBBench checker system prompt
        assert reply in user["content"] and "`Council seats`: `Party`, `Seats`, `Votes`" in user["content"]
        assert [m["train"] for m in example["messages"]] == [False, False, True]
        assert example["source"] == "critic" and example["id"] == "7"
    assert parse_verdict(approve["messages"][-1]["content"]) == (True, "")
    decision, feedback = parse_verdict(reject["messages"][-1]["content"])
    assert decision is False
    assert feedback == "This step leads to a wrong result: use `Seats` instead of `Votes`."


def test_outcome_feedback_names_what_the_working_action_did_instead() -> None:
    answer = 'Done.\nAction: Answer\nFinal Answer: ["4"]'
    assert "the next step should be an SQL query" in outcome_feedback("dbbench", PAIR["chosen"], answer)
    assert "the next step should be the final answer" in outcome_feedback("dbbench", answer, PAIR["chosen"])
    same_names = _op("SELECT `Seats` FROM `Council seats` WHERE `Party` = 'Green' LIMIT 1")
    assert "check that the table, the columns and the values" in outcome_feedback("dbbench", same_names,
                                                                                  PAIR["chosen"])
    ranked = _op("SELECT `Party` FROM `Council seats` ORDER BY `Seats` + 0 DESC LIMIT 1")
    wrong = _op("SELECT `Party` FROM `Council seats` ORDER BY `Votes` DESC LIMIT 1")
    assert outcome_feedback("dbbench", ranked, wrong) == (
        "This step leads to a wrong result: use `Seats` instead of `Votes`."  # "+ 0" is no name
    )


def test_revision_corrections_become_pairs_with_the_rule_feedback() -> None:
    rows = correction_examples(generate_tasks(12, seed=4))
    pairs = pairs_from_corrections(rows)
    revisions = [r for r in rows if r["source"] == "revision"]
    assert len(pairs) == len(revisions) > 0
    for pair, row in zip(pairs, revisions, strict=True):
        assert pair["chosen"] == row["messages"][-1]["content"] and pair["rejected"] == row["messages"][-3]["content"]
        assert pair["feedback"] and pair["feedback"] in row["messages"][-2]["content"]
        assert "Write a corrected reply" not in pair["feedback"]
    examples = critic_examples(pairs, "dbbench")
    rejections = [e["messages"][-1]["content"] for e in examples[1::2]]
    assert all(r == f"VERDICT: REJECT\nFEEDBACK: {p['feedback']}" for r, p in zip(rejections, pairs, strict=True))
