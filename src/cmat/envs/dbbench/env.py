"""DBBench, AgentBench's database task, with AgentBench's protocol to the letter.

The conversation starts with AgentBench's instructions, the agent's "Ok." and the question
with the table's name and headers. Each reply is parsed as AgentBench parses it:
``Action: Operation`` with the first ```sql block executed (at most ``max_rounds`` times),
or ``Final Answer: ...``. INSERT/UPDATE/DELETE tasks are judged by the table hash, queries by
AgentBench's answer comparison (:mod:`cmat.evaluation.dbbench_scoring`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from cmat.envs.base import Action, Evaluation, StepResult, Task
from cmat.envs.dbbench.backends.errors import SQLError
from cmat.envs.dbbench.data import MUTATION_TYPES
from cmat.errors import BackendError
from cmat.evaluation.dbbench_scoring import is_correct
from cmat.types import Message, Outcome

_ACTION = re.compile(r"Action: (.*?)\n")
SQL_BLOCK = re.compile(r"```sql\n([\s\S]*?)\n```")  # the block AgentBench executes
_FINAL_ANSWER = re.compile(r"\nFinal Answer:(.*)")
_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)


def instructions() -> str:
    """AgentBench's DBBench instruction prompt (package data, verbatim)."""
    return resources.files("cmat.envs.dbbench").joinpath("prompts/instructions.txt").read_text("utf-8")


def task_prompt(entry: dict[str, Any]) -> str:
    """The question as AgentBench shows it: description, newline, table description."""
    return f"{entry['description']}\n{entry.get('add_description', '')}"


def parse_reply(reply: str) -> Action:
    """Parse a reply the way AgentBench's loop does (without executing anything)."""
    action = _ACTION.search(reply)
    if action and action.group(1) == "Operation":
        block = SQL_BLOCK.search(reply)
        if not block:
            return Action("invalid_format", "", reply)
        return Action("operation", block.group(1).strip().replace("\n", " "), reply)
    answer = _FINAL_ANSWER.search(reply)
    if answer:
        return Action("answer", answer.group(1), reply)
    return Action("invalid_action", "", reply)


@dataclass
class DBBenchEnv:
    """One DBBench episode on a fresh database (SQLite emulating MySQL, or MariaDB)."""

    backend: str = "sqlite"
    backend_options: dict[str, Any] = field(default_factory=dict)
    max_rounds: int = 5
    name: str = "dbbench"
    _task: Task | None = field(default=None, init=False, repr=False)
    _db: Any = field(default=None, init=False, repr=False)
    _rounds: int = field(default=0, init=False)
    _answer: str = field(default="", init=False)
    _outcome: Outcome | None = field(default=None, init=False)
    _error: str = field(default="", init=False)

    def reset(self, task: Task) -> list[Message]:
        from cmat.envs.dbbench.backends import TableSpec, open_backend

        self.close()
        self._task, self._rounds, self._answer, self._outcome, self._error = task, 0, "", None, ""
        self._db = open_backend(self.backend, **self.backend_options)
        self._db.load(TableSpec.from_entry(task.data))
        return [
            Message("user", instructions()),
            Message("assistant", "Ok."),
            Message("user", task_prompt(task.data)),
        ]

    def parse(self, reply: str) -> Action:
        return parse_reply(reply)

    def schema(self) -> dict[str, list[str]]:
        """Table name -> column names of this episode's database (for checkers; no gold)."""
        if self._db is None or self._task is None:
            return {}
        live = getattr(self._db, "schema", None)
        if callable(live):
            return dict(live())
        table = self._task.data["table"]
        return {table["table_name"]: [c["name"] for c in table["table_info"]["columns"]]}

    def dry_run(self, sql: str) -> str | None:
        """Run ``sql`` in a transaction that is rolled back; the error text, or None if it works."""
        if self._db is None:
            return None
        run = getattr(self._db, "dry_run", None)
        return run(sql) if callable(run) else None

    def peek(self, sql: str) -> list[tuple[Any, ...]] | None:
        """The rows of ``sql``, one read-only SELECT, without counting a round: for checkers
        (``CheckContext.peek``). None for anything else, on a database error, or before reset."""
        query = getattr(self._db, "query", None) if self._db is not None else None
        if not callable(query) or not _SELECT.match(sql) or ";" in sql.strip().rstrip(";"):
            return None
        try:
            return list(query(sql))
        except (SQLError, BackendError):
            return None

    @property
    def rounds(self) -> int:
        """Operations executed so far in this episode."""
        return self._rounds

    def step(self, reply: str) -> StepResult:
        if self._db is None or self._outcome is not None:
            raise RuntimeError("step() called on an episode that is not running; call reset() first")
        action = parse_reply(reply or "")
        if action.kind == "operation" and self._rounds < self.max_rounds:
            result = self._db.execute(action.content)
            self._rounds += 1
            return StepResult(observation=result or "", done=False, info={"sql": action.content})
        if action.kind == "invalid_format" and self._rounds < self.max_rounds:
            return self._end(Outcome.INVALID_FORMAT, "")
        # AgentBench's while-else: any other reply (or an operation past the limit) is read
        # as an answer; without "Final Answer:" it is an invalid action or the round limit.
        answer = _FINAL_ANSWER.search(reply or "")
        if answer:
            text = answer.group(1)
            limit = self._rounds >= self.max_rounds and not text
            return self._end(Outcome.TASK_LIMIT_REACHED if limit else Outcome.COMPLETED, text)
        limited = self._rounds >= self.max_rounds
        return self._end(Outcome.TASK_LIMIT_REACHED if limited else Outcome.INVALID_ACTION, "")

    def _end(self, outcome: Outcome, answer: str) -> StepResult:
        self._outcome, self._answer = outcome, answer
        return StepResult(observation=None, done=True, outcome=outcome)

    def interrupt(self, outcome: Outcome, reason: str = "") -> None:
        self._outcome, self._answer, self._error = outcome, "", reason

    def evaluate(self) -> Evaluation:
        from cmat.envs.dbbench.backends import TableSpec

        if self._task is None or self._db is None or self._outcome is None:
            raise RuntimeError("evaluate() needs a finished episode")
        entry, kind = self._task.data, self._task.type
        answer = self._answer
        if kind in MUTATION_TYPES:
            # AgentBench replaces the answer of a mutation task by the table hash, always.
            answer = self._db.table_hash(TableSpec.from_entry(entry))
            gold: Any = entry["answer_md5"]
        else:
            gold = entry["label"]
        details: dict[str, Any] = {"rounds": self._rounds}
        if self._error:
            details["error"] = self._error
        return Evaluation(self._outcome, answer, is_correct(kind, answer, gold), details)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def gold_replies(task: Task) -> list[str]:
    """The gold solution as replies in AgentBench's action format (for the oracle)."""
    entry = task.data
    if task.type in MUTATION_TYPES:
        statements = [str(s) for s in entry["label"]]
        final = "Action: Answer\nFinal Answer: [\"done\"]"
    else:
        sql = entry.get("sql")
        query = sql.get("query") if isinstance(sql, dict) else sql
        statements = [str(query)] if query else []
        final = "Action: Answer\nFinal Answer: " + json.dumps(entry["label"], ensure_ascii=False)
    operations = [
        "Action: Operation\n```sql\n" + " ".join(s.split("\n")).strip() + "\n```" for s in statements
    ]
    return [*operations, final]
