"""Gold trajectories: a generated task solved by its gold SQL, in AgentBench's action format.

They seed the first SFT round before the model can collect successes of its own. Each one is
*replayed* through :class:`DBBenchEnv` (reset, step, evaluate): the observation in the record is
what the backend really returned, and only trajectories the environment judges correct are kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from random import Random
from typing import Any

from cmat.envs.base import Task
from cmat.envs.dbbench.data import MUTATION_TYPES
from cmat.envs.dbbench.env import DBBenchEnv
from cmat.tasks.dbgen.phrasing import REASONING
from cmat.trajectories.schema import Attempt, Trajectory, Turn


def gold_replies(entry: dict[str, Any], seed: int = 0) -> list[str]:
    """Assistant replies: a short reasoning line, ``Action: Operation`` with one ```sql block per
    gold statement, then ``Action: Answer`` with the label (``["done"]`` for mutations)."""
    kind = entry["type"][0]
    table = entry["table"]["table_name"]
    rng = Random(f"gold:{seed}:{entry['description']}:{table}")
    mutation = kind in MUTATION_TYPES
    if mutation:
        statements = [str(s) for s in entry["label"]]
        answer = json.dumps(["done"])
    else:
        statements = [str(entry["sql"]["query"])]
        answer = json.dumps(entry["label"], ensure_ascii=False)
    intro = rng.choice(REASONING["mutation" if mutation else "query"]).format(table=table, kind=kind)
    replies = [f"{intro}\nAction: Operation\n```sql\n{' '.join(s.split())}\n```" for s in statements]
    outro = rng.choice(REASONING["done" if mutation else "answer"])
    return [*replies, f"{outro}\nAction: Answer\nFinal Answer: {answer}"]


def gold_trajectory(
    entry: dict[str, Any], task_id: str = "0", seed: int = 0, backend: str = "sqlite"
) -> dict[str, Any]:
    """Replay :func:`gold_replies` through a fresh :class:`DBBenchEnv`; the record of that episode
    (``Trajectory.to_dict()``), with ``correct`` as the environment judged it."""
    task = Task(id=task_id, env="dbbench", type=entry["type"][0], data=entry)
    env = DBBenchEnv(backend=backend)
    start = time.perf_counter()
    try:
        messages = [m.to_dict() for m in env.reset(task)]
        turns = [Turn("assistant" if m["role"] == "assistant" else "user", m["content"], 0, -1) for m in messages]
        for step, reply in enumerate(gold_replies(entry, seed)):
            messages.append({"role": "assistant", "content": reply})
            turns.append(Turn("assistant", reply, 0, step, trainable=True))
            result = env.step(reply)
            if result.done:
                break
            observation = result.observation or ""
            turns.append(Turn("environment", observation, 0, step))
            messages.append({"role": "user", "content": observation})
        evaluation = env.evaluate()
    finally:
        env.close()
    rounds = int(evaluation.details.get("rounds", 0))
    outcome = evaluation.outcome.value
    return Trajectory(
        id=task_id, type=task.type, env="dbbench", outcome=outcome, correct=evaluation.correct,
        answer=evaluation.answer, conversation=messages, turns=turns,
        attempts=[Attempt(0, outcome, evaluation.correct, evaluation.answer, rounds)],
        first_attempt_correct=evaluation.correct, reward=1.0 if evaluation.correct else 0.0, model="gold",
        rounds=rounds, timings={"wall_s": round(time.perf_counter() - start, 4)},
        details={"source": entry.get("source", "")},
    ).to_dict()


def gold_trajectories(
    entries: Sequence[dict[str, Any]], seed: int = 0, backend: str = "sqlite"
) -> list[dict[str, Any]]:
    """:func:`gold_trajectory` for each entry (ids are the indices), keeping only correct ones."""
    records = (gold_trajectory(e, str(i), seed, backend) for i, e in enumerate(entries))
    return [r for r in records if r["correct"]]
