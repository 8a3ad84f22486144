"""SFT examples, preference pairs and gold trajectories have the shapes training expects."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from cmat.tasks import gold_trajectory, outcome_pairs, preference_pairs, sft_examples
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


def _played(entry: dict[str, Any], replies: list[str]) -> dict[str, Any]:
    """The record of one episode of ``entry`` (task id "0") played by a scripted model, as collection runs it."""
    from cmat.agents.setup import AgentSetup
    from cmat.envs.base import Task
    from cmat.envs.dbbench.env import DBBenchEnv
    from cmat.llm.mock import MockLLM
    from cmat.runner.orchestrator import Roles, run_many
    from cmat.types import GenerationConfig

    out: list[Any] = []
    task = Task(id="0", env="dbbench", type=entry["type"][0], data=entry)
    run_many([task], DBBenchEnv, Roles.single(MockLLM(replies=list(replies)), GenerationConfig()), out.append, 1,
             lambda _: AgentSetup())
    return out[0].to_dict()


def test_outcome_pairs_prefer_the_success_where_a_failed_episode_parted_from_it(tasks: list[dict[str, Any]]) -> None:
    entry = next(t for t in tasks if t["type"] == ["counting"])
    gold = gold_trajectory(entry, "0")
    wrong_sql = "Action: Operation\n```sql\nSELECT 1;\n```"
    failed = _played(entry, [wrong_sql, 'Action: Answer\nFinal Answer: ["1"]'])
    assert not failed["correct"]
    (pair,) = outcome_pairs([failed, gold], [gold])
    # The same state: the instructions, "Ok." and the task exactly as the environment showed them.
    assert pair["prompt"] == [{"role": m["role"], "content": m["content"]} for m in gold["conversation"][:3]]
    assert pair["rejected"] == wrong_sql and pair["chosen"] == gold["conversation"][3]["content"]
    assert pair["step"] == 0 and pair["feedback"] == "environment: completed"
    # The same first statement: the episodes part at the answer, one step later.
    first = gold["conversation"][3]["content"]
    late = _played(entry, [first, 'Action: Answer\nFinal Answer: ["-1"]'])
    (pair,) = outcome_pairs([late], [gold])
    assert pair["step"] == 1 and pair["prompt"][-1] == {"role": "user", "content": gold["conversation"][4]["content"]}
    # The same statement in other words does not part them either: the answer decides.
    reworded = "Let me count them.\nAction: Operation\n```sql\n" + first.split("```sql\n")[1]
    assert reworded != first
    (pair,) = outcome_pairs([_played(entry, [reworded, 'Action: Answer\nFinal Answer: ["-1"]'])], [gold])
    assert pair["step"] == 1 and pair["prompt"][3]["content"] == reworded
    # No pair without a success of the same task, or for a success itself.
    other = dict(gold, id="1")
    assert outcome_pairs([failed], [other]) == [] and outcome_pairs([gold], [gold]) == []
