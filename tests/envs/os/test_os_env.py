"""OSEnv end to end: judging (match, regex, check with example), rounds, the oracle, a mock LLM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.envs.base import Task
from cmat.envs.os_interaction import OSEnv, gold_replies, load_os
from cmat.envs.os_interaction.judge import judge_match
from cmat.envs.os_interaction.sandbox import SandboxConfig
from cmat.types import Outcome

FAST = SandboxConfig(size="32m", command_timeout=5.0, script_timeout=20.0)


def _task(tmp_path: Path, entry: dict[str, object]) -> Task:
    path = tmp_path / "t.json"
    path.write_text(json.dumps([entry]), encoding="utf-8")
    return load_os(path)[0]


def _episode(task: Task, replies: list[str], max_rounds: int = 8) -> tuple[list[Outcome | None], object]:
    env = OSEnv(max_rounds=max_rounds, sandbox=FAST)
    try:
        env.reset(task)
        outcomes = []
        for reply in replies:
            result = env.step(reply)
            outcomes.append(result.observation if not result.done else result.outcome)
            if result.done:
                break
        return outcomes, env.evaluate()
    finally:
        env.close()


def test_judge_match_forms() -> None:
    assert judge_match({"answer": "1", "strip": True}, " 1 \n").correct
    assert not judge_match({"answer": "1"}, " 1").correct
    assert judge_match({"regex": r"^\d+$", "strip": True}, " 42 ").correct
    assert not judge_match({"regex": "a"}, None).correct


def test_check_with_example_and_init(sandbox_ok: None, tmp_path: Path) -> None:
    task = _task(tmp_path, {
        "description": "How many files in /root/d?",
        "create": {"init": {"code": "mkdir /root/d && touch /root/d/a /root/d/b /root/d/c"}},
        "evaluation": {"check": [None, {"language": "python", "file": "check/integer-match.py"}],
                       "example": {"code": "ls /root/d | wc -l"}},
    })
    # integer-match.py is found in the bundled dev scripts (default when none are beside the data)
    seen, ev = _episode(task, ["Act: bash\n\n```bash\nls /root/d\n```", "Act: answer(3)"])
    assert seen[0] == "The output of the OS:\n\na\nb\nc\n"
    assert ev.outcome is Outcome.COMPLETED and ev.correct and ev.answer == "3"
    _, wrong = _episode(task, ["Act: answer(4)"])
    assert not wrong.correct and wrong.details["steps"][-1]["exit_code"] == 1


def test_start_process_runs_in_background(sandbox_ok: None, tmp_path: Path) -> None:
    task = _task(tmp_path, {
        "description": "What is written?",
        "start": "python3 -c 'import time\nwhile True:\n\tprint(\"tick\", file=open(\"/root/log\", \"a\"))\n"
                 "\ttime.sleep(0.2)' &",
        "evaluation": {"match": {"regex": "^tick$", "strip": True}},
    })
    seen, ev = _episode(task, ["Act: bash\n\n```bash\nsleep 1; sort -u /root/log\n```", "Act: answer(tick)"])
    assert seen[0] == "The output of the OS:\n\ntick\n"
    assert ev.correct


def test_round_limit_and_invalid_action(sandbox_ok: None, tmp_path: Path) -> None:
    task = _task(tmp_path, {"description": "x", "evaluation": {"match": "1"}})
    seen, ev = _episode(task, ["Act: bash\n\n```bash\ntrue\n```"] * 3, max_rounds=3)
    assert seen == ["The output of the OS is empty.", "The output of the OS is empty.", Outcome.TASK_LIMIT_REACHED]
    assert ev.outcome is Outcome.TASK_LIMIT_REACHED and not ev.correct
    seen, ev = _episode(task, ["The answer is 1."])
    assert ev.outcome is Outcome.INVALID_ACTION and not ev.correct


def test_finish_passes_none_to_checks(sandbox_ok: None) -> None:
    task = load_os(Path(__file__).parents[3] / "src/cmat/data/agentbench/os_interaction/dev.json")[3]  # calc
    replies = [r for r in gold_replies(task) if isinstance(r, str)]
    assert replies[-1].endswith("Act: finish")
    _, ev = _episode(task, replies)
    assert ev.correct
    _, ev = _episode(task, ["Act: finish"])
    assert not ev.correct


def test_oracle_dev_set(sandbox_ok: None, tmp_path: Path) -> None:
    """`cmat eval --env os --model oracle` on the 26 dev tasks: all but three explained ones."""
    from cmat.evaluation.run import EvalConfig, evaluate

    metrics = evaluate(EvalConfig(env="os", model="oracle", out=str(tmp_path / "run"), concurrency=4),
                       progress=False)
    records = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    failed = sorted(int(r["id"]) for r in records if not r["correct"])
    # 0 and 1 share their description with tasks 4 and 2 but not their answer (the oracle is keyed by
    # the task prompt); 8 compares `du -sh` output "4.0K" with AgentBench's size-match.py, which
    # cannot parse decimals. See docs/design/os-env.md.
    assert failed == [0, 1, 8]
    assert metrics["n"] == 26 and metrics["outcomes"]["completed"] == 26
    assert metrics["overall"] == pytest.approx(23 / 26)


def test_mock_llm_episode(sandbox_ok: None, tmp_path: Path) -> None:
    from cmat.evaluation.run import EvalConfig, evaluate

    data = tmp_path / "tasks.json"
    data.write_text(json.dumps([{
        "description": "How many users are named alice?",
        "create": {"init": "useradd alice"},
        "evaluation": {"check": [None, {"language": "python", "file": "check/integer-match.py"}],
                       "example": "getent passwd | grep -c '^alice:'"},
        "labels": ["user"],
    }]), encoding="utf-8")
    script = tmp_path / "mock.yaml"
    script.write_text(json.dumps({"replies": [
        "Think: look.\n\nAct: bash\n\n```bash\ngetent passwd alice | cut -d: -f1\n```",
        "Think: one.\n\nAct: answer(1)",
    ]}), encoding="utf-8")
    metrics = evaluate(EvalConfig(env="os", model=f"mock:{script}", data=str(data), out=str(tmp_path / "run"),
                                  checker="rule"), progress=False)
    assert metrics["overall"] == 1.0 and metrics["per_type"] == {"user": 1.0}
    record = json.loads((tmp_path / "run" / "results.jsonl").read_text().splitlines()[0])
    assert record["conversation"][-2] == {"role": "user", "content": "The output of the OS:\n\nalice\n"}
    assert record["conversation"][-1]["content"].endswith("Act: answer(1)")
