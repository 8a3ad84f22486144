"""``evaluate``: run a model on an environment's data set, resumable, and write the metrics.

Outputs in ``out``: ``results.jsonl`` (one record per sample), ``metrics.json``, ``run.json``
(the configuration; a resumed run must match it).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cmat.config import comma_list
from cmat.envs.base import Task
from cmat.evaluation.agent_factory import agent_factory, roles_for
from cmat.llm.base import LLM
from cmat.registry import get_env, make_llm
from cmat.runner.orchestrator import BATCHING, run_many
from cmat.runner.store import ResultStore, write_json_atomic
from cmat.trajectories.schema import Trajectory
from cmat.types import Outcome


@dataclass
class EvalConfig:
    """Settings of one evaluation run."""

    out: str = field(default="runs/eval", metadata={"help": "output directory; re-running resumes"})
    env: str = field(default="dbbench", metadata={"help": "environment", "choices": ["dbbench", "os"]})
    data: str | None = field(default=None, metadata={"help": "data file (default: the bundled dev set)"})
    scripts: str | None = field(
        default=None,
        metadata={"help": "os: folder of the data's init/check/example scripts "
                  "(default: DATA_DIR/scripts/DATA_STEM, else the bundled dev scripts)"},
    )
    model: str = field(
        default="hf", metadata={"help": "model spec: hf, hf:<path-or-id>, openai:<model>, mock:<file>, oracle"}
    )
    adapter: str | None = field(default=None, metadata={"help": "LoRA adapter folder (hf models)"})
    limit: int | None = field(default=None, metadata={"help": "evaluate only the first N samples"})
    seed: int = field(default=0, metadata={"help": "seed for sampling"})
    temperature: float = field(default=0.0, metadata={"help": "0 = greedy"})
    max_new_tokens: int = field(default=384, metadata={"help": "most tokens per reply"})
    repeat_stop: int = field(
        default=0,
        metadata={"help": "hf: end an Assistant reply whose last N tokens loop over one pattern (e.g. 96; saves the "
                          "time a looping reply holds a batch); 0 = off, as AgentBench"},
    )
    concurrency: int = field(default=16, metadata={"help": "episodes in flight, batched into one generate call"})
    env_workers: int = field(
        default=4, metadata={"help": "threads stepping environments while batches generate (0: between batches)"}
    )
    batching: str = field(
        default="auto",
        metadata={"help": "hf: lockstep (each round's requests decode together, a batch lasts as long as its "
                          "longest reply) or continuous (requests join and leave the decode batch between "
                          "tokens); auto: continuous where every role is on one hf model, else lockstep. "
                          "Greedy records are the same in every mode",
                  "choices": list(BATCHING)},
    )
    executor: str = field(
        default="local",
        metadata={"help": "local: one process; ray: episodes spread over Ray workers", "choices": ["local", "ray"]},
    )
    ray_address: str | None = field(
        default=None, metadata={"help": "Ray cluster to join ('auto' = the one `ray start` made); default: a local one"}
    )
    ray_workers: int = field(default=2, metadata={"help": "Ray workers, each with its own environments and model"})
    ray_cpus: float = field(default=1.0, metadata={"help": "CPUs reserved per Ray worker"})
    ray_gpus: float = field(default=0.0, metadata={"help": "GPUs reserved per Ray worker (0 for openai: backends)"})
    db_backend: str = field(default="sqlite", metadata={"help": "dbbench database", "choices": ["sqlite", "mariadb"]})
    max_rounds: int | None = field(
        default=None, metadata={"help": "rounds per episode (default AgentBench's: dbbench 5, os 8)"}
    )
    command_timeout: float = field(default=10.0, metadata={"help": "os: wall-clock seconds per shell command"})
    sandbox: str = field(
        default="namespaces",
        metadata={"help": "os: namespaces (built in) or docker (a container per episode; needs a Docker engine)",
                  "choices": ["namespaces", "docker"]},
    )
    docker_image: str = field(default="ubuntu:22.04", metadata={"help": "os, --sandbox docker: local image to run"})
    retry_errors: bool = field(default=True, metadata={"help": "re-run samples that ended in 'error' when resuming"})
    checker: str = field(
        default="none", metadata={"help": "Checker before each action", "choices": ["none", "rule", "llm", "rule+llm"]}
    )
    revisions: int = field(default=2, metadata={"help": "revisions per step after a Checker rejection"})
    checker_off: str = field(
        default="",
        metadata={"help": "rule checks to switch off, comma-separated (dbbench: answers, asked, assignments, bounds, "
                          "changes, counts, entity, headers, inserts, kind, locate, lookup, mentions, numbers, "
                          "operators, pairing, ranking, record, repeats, sets, text_order, unmatched, values, "
                          "words; os: repeats); "
                          "for ablations"},
    )
    repair: bool = field(
        default=False,
        metadata={"help": "the rule Checker corrects name mistakes it can fix itself (a table or column name "
                          "with one close match, missing backticks) instead of asking the Assistant"},
    )
    revision_temperature: float = field(
        default=0.0,
        metadata={"help": "sample the Assistant's revisions after a Checker rejection at this temperature "
                          "(seeded per task, step and revision) instead of decoding them greedily, which "
                          "mostly repeats the rejected reply; 0 = greedy"},
    )
    memory: str = field(default="off", metadata={"help": "long-term memory file (SQLite), or 'off'"})
    memory_k: int = field(default=3, metadata={"help": "memories retrieved per task"})
    embedder: str = field(
        default="minilm", metadata={"help": "memory retrieval", "choices": ["minilm", "hashing", "bm25"]}
    )
    reflection: int = field(default=0, metadata={"help": "retries after a failed attempt, each after a reflection"})
    reflector_model: str | None = field(
        default=None, metadata={"help": "model spec of the reflector (default: the Assistant's model and adapter)"}
    )
    checker_model: str | None = field(
        default=None, metadata={"help": "model spec of the llm Checker (default: the Assistant's model and adapter)"}
    )
    mode: str = field(
        default="eval",
        metadata={
            "help": "eval: gold-free reflection triggers; train (collection on training tasks): the environment's "
            "verdict may trigger reflection and successes are stored as experiences",
            "choices": ["eval", "train"],
        },
    )
    context_budget: int | None = field(
        default=None,
        metadata={"help": "token budget of the Assistant's context (short-term memory); default: the model's limit"},
    )


def _manifest(cfg: EvalConfig, data: str, entry: Any) -> dict[str, Any]:
    from cmat.envs.dbbench.data import file_sha256

    manifest = {
        "env": cfg.env,
        "data": str(Path(data).resolve()),
        "data_sha256": file_sha256(data),
        "model": cfg.model,
        "adapter": cfg.adapter,
        "seed": cfg.seed,
        "temperature": cfg.temperature,
        "max_new_tokens": cfg.max_new_tokens,
        "db_backend": cfg.db_backend,
        "max_rounds": entry.options(cfg)["max_rounds"],
        "checker": cfg.checker,
        "revisions": cfg.revisions if cfg.checker != "none" else None,
        **({"repair": True} if cfg.repair and cfg.checker != "none" else {}),
        **({"checker_off": sorted(comma_list(cfg.checker_off))} if cfg.checker_off.strip() else {}),
        **({"revision_temperature": cfg.revision_temperature} if cfg.revision_temperature else {}),
        "memory": cfg.memory if cfg.memory == "off" else str(Path(cfg.memory).resolve()),
        "memory_k": cfg.memory_k if cfg.memory != "off" else None,
        "reflection": cfg.reflection,
        **{k: v for k, v in (("reflector_model", cfg.reflector_model), ("checker_model", cfg.checker_model),
                             ("repeat_stop", cfg.repeat_stop)) if v},
        "context_budget": cfg.context_budget,
        "mode": cfg.mode,
    }
    if cfg.env == "os":
        from cmat.envs.os_interaction.data import default_scripts

        manifest["scripts"] = str(Path(cfg.scripts or default_scripts(data)).resolve())
        manifest["command_timeout"] = cfg.command_timeout
        if cfg.sandbox != "namespaces":
            manifest["sandbox"], manifest["docker_image"] = cfg.sandbox, cfg.docker_image
    return manifest


def _oracle_scripts(entry: Any, tasks: Sequence[Task]) -> dict[str, list[str]]:
    return {entry.task_prompt(t): entry.gold_replies(t) for t in tasks}


def evaluate(cfg: EvalConfig, *, progress: bool = True) -> dict[str, Any]:
    """Evaluate ``cfg.model`` on ``cfg.data``; finished samples in ``cfg.out`` are skipped."""
    start = time.perf_counter()
    if cfg.repair and cfg.checker == "none":
        from cmat.errors import ConfigError

        raise ConfigError("--repair lets the Checker correct actions, but no Checker is on; add --checker rule")
    if cfg.revision_temperature < 0 or (cfg.revision_temperature > 0 and cfg.checker == "none"):
        from cmat.errors import ConfigError

        raise ConfigError(f"--revision-temperature {cfg.revision_temperature}: it must be >= 0, and revisions "
                          "need a Checker (add --checker rule)")
    if cfg.checker_off.strip():  # a misspelt check fails now, before the model loads
        from cmat.agents.checkers import make_checker

        make_checker(cfg.checker, env=cfg.env, llm_available=True, rules_off=comma_list(cfg.checker_off))
    entry = get_env(cfg.env)
    data = cfg.data or entry.default_data()
    tasks = entry.load(data, **entry.load_options(cfg))
    if cfg.limit is not None:
        tasks = tasks[: cfg.limit]
    store = ResultStore(cfg.out)
    manifest = _manifest(cfg, data, entry)
    store.check_manifest(manifest)
    done = store.finished(retry_errors=cfg.retry_errors)
    todo = [t for t in tasks if t.id not in done]
    if todo:
        run_id = f"{Path(cfg.out).name}-{manifest['data_sha256'][:8]}"
        with _Progress(len(tasks), len(tasks) - len(todo), enabled=progress) as bar:

            def on_record(record: Trajectory) -> None:
                store.append(record.to_dict())
                bar.advance(record)

            if cfg.executor == "ray":
                from cmat.evaluation.ray_executor import run_on_ray

                run_on_ray(cfg, todo, run_id, on_record)
            else:
                run_local(cfg, todo, run_id, on_record)
    records = [store.records[t.id] for t in tasks if t.id in store.records]
    metrics = summarize(records, entry.metrics)
    metrics.update(manifest)
    # Wall time accumulates over the invocations that did work, so resuming keeps the true cost.
    metrics["wall_s"] = round(_previous_wall(Path(cfg.out)) + (time.perf_counter() - start if todo else 0.0), 2)
    metrics["resumed_samples"] = len(tasks) - len(todo)
    metrics["config"] = asdict(cfg)
    write_json_atomic(Path(cfg.out) / "metrics.json", metrics)
    return metrics


def run_local(cfg: EvalConfig, todo: Sequence[Task], run_id: str, on_record: Callable[[Trajectory], None]) -> None:
    """Run ``todo`` in this process: one model, ``cfg.concurrency`` batched episodes."""
    entry = get_env(cfg.env)
    scripts = _oracle_scripts(entry, todo) if cfg.model == "oracle" else None
    llm = make_llm(cfg.model, adapter=cfg.adapter, oracle_scripts=scripts)
    # A role with its own model spec gets its own backend (one instance per distinct spec).
    backends: dict[str, LLM] = {}
    others: dict[str, LLM] = {}
    for role, spec in (("reflection", cfg.reflector_model), ("checker", cfg.checker_model)):
        if spec:
            if spec not in backends:
                backends[spec] = make_llm(spec)
            others[role] = backends[spec]
    options = entry.options(cfg)
    with agent_factory(cfg, llm, run_id=run_id) as agent_for:
        run_many(todo, lambda: entry.make(**options), roles_for(llm, cfg, others), on_record, cfg.concurrency,
                 agent_for, env_workers=cfg.env_workers, batching=cfg.batching)


def _previous_wall(out: Path) -> float:
    path = out / "metrics.json"
    try:
        return float(json.loads(path.read_text(encoding="utf-8")).get("wall_s", 0.0)) if path.exists() else 0.0
    except (ValueError, OSError):
        return 0.0


def summarize(records: Sequence[Mapping[str, Any]], scorer: Any) -> dict[str, Any]:
    """Scores plus outcome counts, turns and token totals over ``records``."""
    metrics: dict[str, Any] = dict(scorer(records))
    counts = Counter(r["outcome"] for r in records)
    metrics["outcomes"] = {o.value: counts.get(o.value, 0) for o in Outcome}
    metrics["n"] = len(records)
    metrics["correct"] = sum(bool(r["correct"]) for r in records)
    n = max(1, len(records))
    turns = sum(sum(m["role"] == "assistant" for m in r["conversation"]) - 1 for r in records)
    metrics["mean_turns"] = round(turns / n, 3)
    metrics["completion_tokens"] = sum(int(r.get("completion_tokens", 0)) for r in records)
    metrics["episode_wall_s"] = round(sum(float(r["timings"].get("wall_s", 0.0)) for r in records), 2)
    reflected = any("reflection_trigger_mode" in r.get("details", {}) for r in records)
    if reflected or any(len(r.get("attempts", [])) > 1 for r in records):
        first = [{**r, "correct": r.get("first_attempt_correct", r["correct"])} for r in records]
        metrics["first_attempt"] = {k: v for k, v in scorer(first).items() if k in ("overall", "per_type")}
        metrics["mean_attempts"] = round(sum(max(1, len(r.get("attempts", []))) for r in records) / n, 3)
        modes = {r.get("details", {}).get("reflection_trigger_mode") for r in records} - {None}
        metrics["reflection_trigger"] = sorted(modes)
    return metrics


class _Progress:
    """A rich progress bar with the running accuracy; silent when disabled."""

    def __init__(self, total: int, completed: int, enabled: bool) -> None:
        self.enabled, self.correct, self.seen = enabled, 0, 0
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("[bold]eval"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                TextColumn("{task.fields[status]}"),
            )
            self._task = self._bar.add_task("eval", total=total, completed=completed, status="")

    def __enter__(self) -> _Progress:
        if self.enabled:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._bar.stop()

    def advance(self, record: Trajectory) -> None:
        self.seen += 1
        self.correct += bool(record.correct)
        if self.enabled:
            status = f"correct {self.correct}/{self.seen} this session, last: {record.outcome}"
            self._bar.update(self._task, advance=1, status=status)


def run_one(cfg: EvalConfig, task_id: str) -> Trajectory:
    """Run one task of ``cfg.data`` with the configured agent; nothing is written to disk."""
    from cmat.errors import ConfigError

    entry = get_env(cfg.env)
    tasks = entry.load(cfg.data or entry.default_data(), **entry.load_options(cfg))
    chosen = [t for t in tasks if t.id == task_id]
    if not chosen:
        raise ConfigError(f"no task with id '{task_id}' (ids are 0..{len(tasks) - 1})")
    records: list[Trajectory] = []
    run_local(cfg, chosen, f"run-{task_id}", records.append)
    return records[0]
