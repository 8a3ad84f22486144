"""SFT examples, preference pairs and gold trajectories have the shapes training expects."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from cmat.tasks import gold_trajectory, preference_pairs, sft_examples
from cmat.trajectories.schema import load_record

FIXTURES = Path(__file__).resolve().parents[1] / "trajectories" / "fixtures"


def _with_correction(record: dict[str, Any]) -> dict[str, Any]:
    """Insert a checker rejection and its revision at step 0, as the episode runner records it."""
    out = copy.deepcopy(record)
    index = next(i for i, t in enumerate(out["turns"]) if t["role"] == "assistant" and t["step"] == 0)
    verdict = {"approve": False, "feedback": "quote the table name", "checker": "rule", "details": {}}
    rejected = {"role": "assistant", "content": "Action: Operation\n```sql\nSELECT * FROM bad name\n```",
                "attempt": 0, "step": 0, "trainable": False, "verdict": verdict, "meta": {"revision": 0}}
    checker = {"role": "checker", "content": "quote the table name", "attempt": 0, "step": 0, "trainable": False,
               "verdict": verdict, "meta": {}}
    out["turns"][index]["verdict"] = {"approve": True, "feedback": "", "checker": "rule", "details": {}}
    out["turns"][index:index] = [rejected, checker]
    return out


def test_gold_trajectory_is_a_verified_agentbench_episode(tasks: list[dict[str, Any]]) -> None:
    for entry in tasks[:30]:
        record = gold_trajectory(entry, "7")
        assert record["correct"] and record["outcome"] == "completed" and record["model"] == "gold"
        conversation = record["conversation"]
        assert [m["role"] for m in conversation[:3]] == ["user", "assistant", "user"]
        assert conversation[1]["content"] == "Ok." and conversation[2]["content"].startswith(entry["description"])
        rest = [m["role"] for m in conversation[3:]]
        assert rest == ["assistant", "user"] * (len(rest) // 2) + ["assistant"]
        assert "Action: Operation\n```sql\n" in conversation[3]["content"]
        assert "\nAction: Answer\nFinal Answer: [" in conversation[-1]["content"]
        assert load_record(record).to_dict() == record


def test_sft_examples_train_only_executed_assistant_turns(tasks: list[dict[str, Any]]) -> None:
    record = gold_trajectory(tasks[0])
    (example,) = sft_examples([record])
    flags = [(m["role"], m["train"]) for m in example["messages"]]
    assert flags[:3] == [("user", False), ("assistant", False), ("user", False)]  # "Ok." is not learned
    assert all(train == (role == "assistant") for role, train in flags[3:])
    rejected = copy.deepcopy(record)
    rejected["turns"][3]["trainable"] = False  # the executed step-0 reply, checker-rejected
    (partial,) = sft_examples([rejected])
    assert [m["train"] for m in partial["messages"]][3] is False and partial["messages"][-1]["train"]


def test_sft_examples_from_old_and_multi_attempt_records() -> None:
    v0 = json.loads((FIXTURES / "v0.jsonl").read_text().splitlines()[0])
    v1 = json.loads((FIXTURES / "v1.jsonl").read_text().splitlines()[0])
    examples = sft_examples([v0, v1])
    assert len(examples) == 2
    for example in examples:
        trained = [m for m in example["messages"] if m["train"]]
        assert trained and all(m["role"] == "assistant" for m in trained)
        assert not any(m["train"] for m in example["messages"][:3])


def test_preference_pairs_from_checker_corrections(tasks: list[dict[str, Any]]) -> None:
    record = _with_correction(gold_trajectory(tasks[1]))
    (pair,) = preference_pairs([record])
    assert pair["prompt"] == record["conversation"][:3]
    assert pair["chosen"] == record["conversation"][3]["content"]
    assert pair["rejected"].endswith("SELECT * FROM bad name\n```") and pair["feedback"] == "quote the table name"
    failed = copy.deepcopy(record)
    failed["correct"] = False
    assert preference_pairs([failed]) == []
    unapproved = copy.deepcopy(record)
    next(t for t in unapproved["turns"] if t["role"] == "assistant" and t["step"] == 0 and not t["meta"])[
        "trainable"] = False
    assert preference_pairs([unapproved]) == []
    v1 = json.loads((FIXTURES / "v1.jsonl").read_text().splitlines()[0])
    assert preference_pairs([v1]) == []  # its correction was in the failed first attempt
