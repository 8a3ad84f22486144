"""Helpers for checker tests: a DBBench-like CheckContext from a reply, schema dicts, fake dry runs."""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_text import Finding
from cmat.envs.base import Task
from cmat.envs.dbbench.env import DBBenchEnv, parse_reply
from cmat.types import Message

SCHEMA = {
    "Radio Stations": ["Call sign", "Frequency MHz", "City of license", "Class", "Rank"],
    "race_results": ["Class", "No", "Team", "Drivers"],
}
TASK_PROMPT = "Which stations are class D?\nThe name of this table is Radio Stations."
# The rule tests below the value check use values the question above never states.


def load_script(name: str) -> ModuleType:
    """The project's ``scripts/<name>.py`` (a scan), loaded as a module."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[2] / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def query_scan(kind: str, seed: int, n: int = 40) -> Counter[str]:
    """The counts of ``scripts/scan_query_rules.py`` for one kind of broken query (``--only``) on
    ``n`` generated crowd-style query tasks of ``seed`` (the gold queries checked too)."""
    from cmat.envs.dbbench.data import SELECT_TYPES
    from cmat.tasks import generate_tasks

    scan = load_script("scan_query_rules")
    counts: Counter[str] = Counter()
    scan.ONLY[:] = [kind]
    try:
        scan.scan(scan._query_tasks(generate_tasks(n, seed=seed, style="crowd", types=list(SELECT_TYPES))),
                  counts, "gold", corrupt=True)
    finally:
        scan.ONLY.clear()
    return counts


def operation(sql: str) -> str:
    """A reply in AgentBench's operation format."""
    return f"Let me look.\nAction: Operation\n```sql\n{sql}\n```"


def answer(text: str) -> str:
    """A reply in AgentBench's answer format (``text`` follows "Final Answer:")."""
    return f"Done.\nAction: Answer\nFinal Answer: {text}"


def history(*turns: tuple[str, str]) -> list[Message]:
    """The episode's opening plus (assistant reply, observation) turns."""
    messages = [Message("user", "instructions"), Message("assistant", "Ok."), Message("user", TASK_PROMPT)]
    for reply, observation in turns:
        messages += [Message("assistant", reply), Message("user", observation)]
    return messages


def make_ctx(
    reply: str,
    *,
    schema: dict[str, list[str]] | None = None,
    dry_run: Callable[[str], str | None] | None = None,
    task_type: str = "other",
    conversation: Sequence[Message] | None = None,
    data: dict[str, object] | None = None,
) -> CheckContext:
    """The context a checker sees for ``reply`` (parsed with DBBench's own parser)."""
    return CheckContext(
        task=Task("0", "dbbench", task_type, data or {}),
        task_prompt=TASK_PROMPT,
        conversation=list(conversation if conversation is not None else history()),
        reply=reply,
        action=parse_reply(reply),
        env_name="dbbench",
        schema=SCHEMA if schema is None else schema,
        dry_run=dry_run,
    )


QUERY_TYPES = ["other", "counting", "comparison", "ranking", "aggregation-SUM", "aggregation-MIN",
               "aggregation-MAX", "aggregation-AVG"]


def heldout_queries(base: int) -> list[dict[str, object]]:
    """The 20 queries of held-out set ``base`` (``benchmarks/heldout_dbbench.py``: seed ``base + 1``)."""
    from cmat.tasks import generate_tasks

    return generate_tasks(20, base + 1, QUERY_TYPES, style="crowd", more_conditions=0.5)


def heldout_inserts(base: int) -> list[dict[str, object]]:
    """The 20 INSERTs of held-out set ``base`` (``benchmarks/heldout_dbbench.py``: seed ``base + 2``;
    task 20 + i of the set is entry i)."""
    from cmat.tasks import generate_tasks

    return generate_tasks(20, base + 2, ["INSERT"], style="crowd", narrative=0.5)


def heldout_updates(base: int) -> list[dict[str, object]]:
    """The 20 UPDATEs of held-out set ``base`` (``benchmarks/heldout_dbbench.py``: seed ``base + 3``;
    task 40 + i of the set is entry i)."""
    from cmat.tasks import generate_tasks

    return generate_tasks(20, base + 3, ["UPDATE"], style="crowd")


def task_env(entry: dict[str, object], task_type: str | None = None) -> Iterator[tuple[Task, DBBenchEnv]]:
    """A task of the DBBench entry ``entry`` (as ``task_type`` when given) in a fresh environment
    (a generator: closed after)."""
    task = Task("0", "dbbench", task_type or str(entry["type"][0]), entry)  # type: ignore[index]
    env = DBBenchEnv()
    env.reset(task)
    yield task, env
    env.close()


def judged(task: Task, sql: str) -> bool:
    """Whether running ``sql`` on a fresh copy of the task's table (then answering) is judged
    correct: for a change, whether it leaves the gold table."""
    env = DBBenchEnv()
    env.reset(task)
    env.step(operation(sql))
    env.step('Action: Answer\nFinal Answer: ["done"]')
    correct = env.evaluate().correct
    env.close()
    return correct


def check_sql(task: Task, env: DBBenchEnv, sql: str, checker: SQLRuleChecker) -> tuple[Finding | None, str]:
    """The finding of ``checker`` for the statement ``sql`` of ``task`` and the statement after its
    repairs ("" when not repaired)."""
    reply = operation(sql)
    ctx = CheckContext(task, str(task.data["description"]), [], reply, env.parse(reply), env.name, env.schema(),
                       env.dry_run, env.peek)
    finding = checker.find(ctx)
    fixed = checker.revise(ctx, finding) if finding else ""
    return finding, env.parse(fixed).content.strip() if fixed else ""
