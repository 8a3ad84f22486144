"""``tune``: the whole collaborative-tuning loop, every stage cached and resumable.

Layout of ``out``::

    baseline/            evaluation of the base model (a `cmat eval` directory)
    tasks/train.jsonl    dbbench: generated training tasks (decontaminated against every eval file)
    tasks/train.json     os: the sampled AgentBench OS training tasks (decontaminated likewise)
    round-<r>/gold.jsonl         round 0: gold trajectories, verified by the environment
    round-<r>/gold-oracle/       os: the oracle's run that produced them
    round-0/teacher/             with --teacher: a stronger model's run on the training tasks
    round-<r>/collect-s<k>/      later rounds: self-play with the previous model (train mode, Checker on)
    round-<r>/sft.jsonl, pairs.jsonl, curation.json   (sft.jsonl: with --critic also the Checker's
                                 examples, cmat.tasks.critic; with --mix-data the chat rows)
    round-<r>/sft/adapter/       LoRA SFT (rejection sampling in later rounds): by default continues the
                                 previous round's adapter on that round's verified successes;
                                 --round-init base trains a fresh LoRA on every success so far
    round-<r>/dpo/adapter/       preference update on same-state pairs: Checker-rejected vs revised
                                 actions, and failed samples vs a verified success of the same task
    round-<r>/eval-sft/, eval-dpo/
    adapter/             the best adapter, with its manifest and metrics
    summary.json         the before/after table

A stage whose output exists is skipped, so a killed run restarts where it stopped.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmat.config import comma_list
from cmat.errors import ConfigError
from cmat.runner.orchestrator import BATCHING
from cmat.runner.store import read_jsonl, write_json_atomic, write_jsonl_atomic
from cmat.training.tune_sources import (
    TaskSource,
    collection_memory,
    correction_rows,
    gold_records,
    noted_gold,
    training_tasks,
)

if TYPE_CHECKING:
    from cmat.training.sft import SFTSettings

PRESETS: dict[str, dict[str, Any]] = {
    # The README's main job: gold trajectories only, one short SFT round (~64k training tokens);
    # wall times measured so far are in docs/results.md.
    "quickstart": {"train_tasks": 120, "rounds": 1, "samples": 0, "epochs": 1.0, "dpo": False, "eval_limit": None},
    # The full run: more tasks, self-play rounds with the Checker, DPO.
    "dbbench": {"train_tasks": 2000, "rounds": 3, "samples": 2, "epochs": 2.0, "dpo": True, "eval_limit": None},
}


@dataclass
class TuneConfig:
    """Settings of ``cmat tune`` (a preset fills the ones you leave unset)."""

    out: str = field(default="runs/tune", metadata={"help": "output directory; re-running resumes"})
    preset: str = field(default="quickstart", metadata={"help": "defaults", "choices": sorted(PRESETS)})
    env: str = field(default="dbbench", metadata={"help": "environment", "choices": ["dbbench", "os"]})
    model: str = field(default="hf", metadata={"help": "base model spec: hf (embedded) or hf:<path-or-id>"})
    train_tasks: int | None = field(
        default=None, metadata={"help": "training tasks (dbbench: generated; os: sampled from the training set)"}
    )
    train_data: str | None = field(
        default=None,
        metadata={"help": "training tasks file instead of the default (dbbench: JSONL; os: AgentBench JSON, "
                          "scripts in DATA_DIR/scripts/DATA_STEM)"},
    )
    task_seed: int = field(default=0, metadata={"help": "seed of the task generator"})
    question_style: str = field(
        default="plain",
        metadata={"help": "dbbench: how generated questions are written (crowd: loose column names, 'when' "
                          "clauses, lower case; cmat.tasks.dbgen.text.Style)", "choices": ["plain", "crowd"]},
    )
    more_conditions: float = field(
        default=0.0,
        metadata={"help": "dbbench: chance of each extra filter on a generated query (0-1, at most 2 more; "
                          "cmat.tasks.dbgen.queries.Shape)"},
    )
    narrative_inserts: float = field(
        default=0.0,
        metadata={"help": "dbbench: chance that a generated INSERT tells its record as a sentence, values in "
                          "header order, many without their header (0-1; cmat.tasks.dbgen.queries.Shape)"},
    )
    rounds: int | None = field(default=None, metadata={"help": "tuning rounds (round 0 learns from gold)"})
    samples: int | None = field(default=None, metadata={"help": "self-play samples per task in later rounds"})
    collect_tasks: int = field(default=400, metadata={"help": "training tasks used for self-play per round"})
    temperature: float = field(default=0.7, metadata={"help": "sampling temperature of self-play"})
    checker: str = field(default="rule", metadata={"help": "Checker during self-play collection"})
    critic: bool = field(
        default=False,
        metadata={"help": "the Checker learns from outcomes: every round's SFT also trains the model as the llm "
                          "Checker on its same-state pairs (cmat.tasks.critic); evaluate with --checker rule+llm"},
    )
    repair: bool = field(
        default=False,
        metadata={"help": "self-play: the rule Checker corrects name mistakes itself (cmat eval --repair); a "
                          "repaired action that succeeds is trained on, the original becomes its rejected pair"},
    )
    corrections: int = field(
        default=0,
        metadata={"help": "dbbench: extra generated tasks turned into correction examples for round 0 (acting on "
                          "the Checker's feedback and on SQL errors; cmat.tasks.corrections)"},
    )
    correction_mistakes: str = field(
        default="table,column,unquoted,value",
        metadata={"help": "dbbench: the mistakes correction revisions start from, comma-separated (table, column, "
                          "unquoted, value, dropped: one of several conditions left out, update: an INSERT "
                          "written as an UPDATE of the row it would add, insert: an UPDATE written as an "
                          "INSERT of the record it changes)"},
    )
    correction_types: str = field(
        default="",
        metadata={"help": "dbbench: the task types of the correction tasks, comma-separated (default: all, "
                          "apportioned as in gen-tasks); e.g. INSERT with --correction-mistakes update, "
                          "UPDATE with --correction-mistakes insert"},
    )
    teacher: str | None = field(
        default=None,
        metadata={"help": "round 0 also collects with this stronger model (e.g. openai:<model>) on the first "
                          "collect_tasks training tasks; its verified successes join the gold trajectories"},
    )
    init_adapter: str | None = field(
        default=None, metadata={"help": "round 0 continues this LoRA adapter instead of a fresh one"}
    )
    memory: str | None = field(
        default=None,
        metadata={"help": "long-term memory of experiences from training tasks (cmat memory seed): a share of "
                          "round 0's gold trajectories open with the notes an episode retrieves from it "
                          "(cmat.runner.notes), and self-play collects with a copy of it"},
    )
    memory_share: float = field(default=0.5, metadata={"help": "share of gold trajectories given notes (--memory)"})
    memory_k: int = field(default=3, metadata={"help": "notes per task with --memory"})
    round_init: str = field(
        default="previous",
        metadata={"help": "later rounds: continue the previous round's adapter on that round's new verified "
                          "successes (previous), or train a fresh LoRA on every success so far (base)",
                  "choices": ["previous", "base"]},
    )
    mix_data: str | None = field(
        default=None,
        metadata={"help": "general chat JSONL (messages role/content, or ShareGPT conversations) mixed into every "
                          "SFT round (cmat.tasks.mixing); checked against evaluation questions"},
    )
    mix_ratio: float = field(default=0.1, metadata={"help": "chat examples per agent example when --mix-data is set"})
    epochs: float | None = field(default=None, metadata={"help": "SFT epochs"})
    learning_rate: float = field(default=2e-4, metadata={"help": "SFT learning rate"})
    # One example per micro-batch, four accumulated: on a CPU a padding-free row of four examples
    # attends across the whole row (block-diagonal mask, no FlashAttention) and trained at about
    # half the speed (BENCHMARKS.md); on a GPU raise batch_size.
    batch_size: int = field(default=1, metadata={"help": "SFT examples per micro-batch"})
    grad_accum: int = field(default=4, metadata={"help": "micro-batches per optimizer step"})
    max_length: int = field(default=1536, metadata={"help": "SFT tokens kept per example"})
    dpo: bool | None = field(default=None, metadata={"help": "run the DPO preference update"})
    eval_limit: int | None = field(default=None, metadata={"help": "evaluate on the first N dev tasks only"})
    eval_data: str | None = field(default=None, metadata={"help": "evaluation file (default: bundled dev set)"})
    skip_baseline: bool = field(default=False, metadata={"help": "do not evaluate the base model"})
    concurrency: int = field(default=16, metadata={"help": "episodes batched together when evaluating"})
    max_new_tokens: int = field(default=384, metadata={"help": "most tokens per reply when evaluating or collecting"})
    repeat_stop: int = field(
        default=0, metadata={"help": "end a looping reply after N repeated tokens (evaluating, collecting; 0 = off)"}
    )
    batching: str = field(
        default="auto",
        metadata={"help": "evaluation and collection: auto, lockstep or continuous (see cmat eval --batching)",
                  "choices": list(BATCHING)},
    )
    executor: str = field(
        default="local",
        metadata={"help": "evaluation and collection: local (one process) or ray (episodes over Ray workers)",
                  "choices": ["local", "ray"]},
    )
    ray_address: str | None = field(default=None, metadata={"help": "Ray cluster to join (default: a local one)"})
    ray_workers: int = field(default=2, metadata={"help": "Ray workers, each with its own environments and model"})
    accelerate_config: str | None = field(
        default=None,
        metadata={"help": "SFT and DPO run under `accelerate launch --config_file FILE` (e.g. data parallel over "
                          "the GPUs the file lists); collection and evaluation stay in this process"},
    )
    train_launcher: str | None = field(
        default=None,
        metadata={"help": "SFT and DPO run in the processes this command starts, e.g. 'torchrun --standalone "
                          "--nproc_per_node 4' (cmat.training.launch); instead of --accelerate-config"},
    )
    progress: bool = field(default=True, metadata={"help": "print each stage and show progress bars"})

    def resolved(self) -> TuneConfig:
        """This config with the preset's values filled in where a field is unset."""
        if self.preset not in PRESETS:
            raise ConfigError(f"unknown preset '{self.preset}'; valid: {', '.join(sorted(PRESETS))}")
        values = {k: v for k, v in PRESETS[self.preset].items() if getattr(self, k) is None}
        return replace(self, **values)


def _stage(cfg: TuneConfig, message: str) -> None:
    """One line per stage on stderr, so a long run shows where it is (silent with ``progress=False``)."""
    if cfg.progress:
        print(f"[tune] {message}", file=sys.stderr, flush=True)


def _eval(cfg: TuneConfig, out: Path, adapter: str | None = None, **extra: Any) -> dict[str, Any]:
    from cmat.evaluation.run import EvalConfig, evaluate

    model = extra.pop("model", cfg.model)
    eval_cfg = EvalConfig(out=str(out), env=cfg.env, model=model, adapter=adapter,
                          data=extra.pop("data", cfg.eval_data), limit=extra.pop("limit", cfg.eval_limit),
                          concurrency=cfg.concurrency, max_new_tokens=cfg.max_new_tokens, repeat_stop=cfg.repeat_stop,
                          batching=cfg.batching, executor=cfg.executor,
                          ray_address=cfg.ray_address, ray_workers=cfg.ray_workers, **extra)
    _stage(cfg, f"evaluating {adapter or model} -> {out}")
    return evaluate(eval_cfg, progress=cfg.progress)


def _collect(cfg: TuneConfig, source: TaskSource, round_dir: Path, adapter: str | None, r: int) -> list[dict[str, Any]]:
    """Round 0: gold trajectories (and a teacher's, with ``teacher``); later rounds: self-play
    samples of the previous model."""
    if r == 0:
        gold = round_dir / "gold.jsonl"
        if not gold.exists():
            write_jsonl_atomic(gold, gold_records(cfg, source, round_dir, lambda m: _stage(cfg, m)))
        if cfg.memory:
            gold = noted_gold(cfg, gold, round_dir / "gold-noted.jsonl", lambda m: _stage(cfg, m))
        if not cfg.teacher:
            return read_jsonl(gold)
        run = round_dir / "teacher"  # greedy, in train mode, with the Checker of self-play
        _eval(cfg, run, None, model=cfg.teacher, data=str(source.path), scripts=source.scripts,
              limit=cfg.collect_tasks, mode="train", checker=cfg.checker, repair=cfg.repair)
        return read_jsonl(gold) + read_jsonl(run / "results.jsonl")
    records: list[dict[str, Any]] = []
    for k in range(cfg.samples or 0):
        run = round_dir / f"collect-s{k}"
        notes = {"memory": str(collection_memory(cfg, Path(cfg.out))), "memory_k": cfg.memory_k} if cfg.memory else {}
        _eval(cfg, run, adapter, data=str(source.path), scripts=source.scripts, limit=cfg.collect_tasks, mode="train",
              checker=cfg.checker, repair=cfg.repair, temperature=cfg.temperature, seed=1000 * r + k, **notes)
        records += read_jsonl(run / "results.jsonl")
    return records


def _base_model(cfg: TuneConfig) -> str | None:
    """The base model folder or id for training (None: the embedded model)."""
    return None if cfg.model == "hf" else cfg.model.partition(":")[2]


def sft_settings(cfg: TuneConfig, output_dir: Path, init_adapter: str | None) -> SFTSettings:
    """The ``SFTSettings`` of a round's SFT (also used to retrain a round's data elsewhere, as
    ``benchmarks/data_ablation.py`` does)."""
    from cmat.training import SFTSettings

    return SFTSettings(output_dir=str(output_dir), base_model=_base_model(cfg), epochs=cfg.epochs or 1.0,
                       learning_rate=cfg.learning_rate, batch_size=cfg.batch_size, grad_accum=cfg.grad_accum,
                       init_adapter=init_adapter, max_length=cfg.max_length, progress_bar=cfg.progress)


def _train(cfg: TuneConfig, round_dir: Path, sft_rows: list[dict[str, Any]], pairs: list[dict[str, Any]],
           init_adapter: str | None = None) -> str:
    from cmat.training import DPOSettings, train_dpo, train_sft
    from cmat.training.launch import launch_training

    base = _base_model(cfg)
    launcher = _launcher(cfg)
    sft_dir = round_dir / "sft"
    if not sft_rows and init_adapter:  # nothing new to imitate: the round keeps the adapter it continues
        _stage(cfg, f"{round_dir.name}: no new verified successes, SFT skipped")
        adapter = init_adapter
    else:
        if not (sft_dir / "adapter" / "adapter_manifest.json").exists():
            _stage(cfg, f"LoRA SFT on {len(sft_rows)} examples -> {sft_dir}")
            settings = sft_settings(cfg, sft_dir, init_adapter)
            if launcher:
                launch_training("sft", sft_rows, settings, launcher)
            else:
                train_sft(sft_rows, settings)
        adapter = str(sft_dir / "adapter")
    if cfg.dpo and pairs:
        dpo_dir = round_dir / "dpo"
        if not (dpo_dir / "adapter" / "adapter_manifest.json").exists():
            _stage(cfg, f"DPO on {len(pairs)} preference pairs -> {dpo_dir}")
            dpo = DPOSettings(output_dir=str(dpo_dir), base_model=base, adapter_dir=adapter,
                              max_length=cfg.max_length, progress_bar=cfg.progress)
            if launcher:
                launch_training("dpo", pairs, dpo, launcher)
            else:
                train_dpo(pairs, dpo)
        adapter = str(dpo_dir / "adapter")
    return adapter


def _launcher(cfg: TuneConfig) -> str | None:
    """The command that starts the training processes, or None to train in this process."""
    if cfg.accelerate_config and cfg.train_launcher:
        raise ConfigError("give --accelerate-config or --train-launcher, not both")
    if cfg.accelerate_config:
        from cmat.training.launch import accelerate_launcher

        return accelerate_launcher(cfg.accelerate_config)
    return cfg.train_launcher


def _check_generation(cfg: TuneConfig) -> None:
    """Bad task-generation settings fail before anything runs, not after the baseline."""
    from cmat.tasks.corrections import MISTAKES

    mistakes = comma_list(cfg.correction_mistakes)
    unknown = sorted(set(mistakes) - set(MISTAKES))
    if unknown or not mistakes:
        raise ConfigError(f"--correction-mistakes: unknown {unknown or 'empty'}; valid: {', '.join(MISTAKES)}")
    if not 0.0 <= cfg.more_conditions < 1.0:
        raise ConfigError(f"--more-conditions must be in [0, 1), got {cfg.more_conditions}")
    if not 0.0 <= cfg.narrative_inserts <= 1.0:
        raise ConfigError(f"--narrative-inserts must be in [0, 1], got {cfg.narrative_inserts}")
    from cmat.tasks.dbgen import ALL_TYPES

    bad_types = sorted(set(comma_list(cfg.correction_types)) - set(ALL_TYPES))
    if bad_types:
        raise ConfigError(f"--correction-types: unknown {bad_types}; valid: {', '.join(ALL_TYPES)}")


def tune(cfg: TuneConfig) -> dict[str, Any]:
    """Run (or resume) the whole loop; returns the summary written to ``out/summary.json``."""
    from cmat.tasks import curate, outcome_pairs, preference_pairs, sft_examples
    from cmat.tasks.critic import critic_examples, pairs_from_corrections
    from cmat.tasks.mixing import mix_chat

    cfg = cfg.resolved()
    _launcher(cfg)  # a bad launcher setting fails before anything runs
    if cfg.mix_data and not Path(cfg.mix_data).is_file():
        raise ConfigError(f"chat data '{cfg.mix_data}' does not exist")
    _check_generation(cfg)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out / "config.json", asdict(cfg))
    rows: list[dict[str, Any]] = [{"stage": "base", **_scores(_eval(cfg, out / "baseline"))}] if not cfg.skip_baseline \
        else []
    source = training_tasks(cfg, out, lambda m: _stage(cfg, m))
    successes: list[dict[str, Any]] = []
    adapter: str | None = None
    for r in range(cfg.rounds or 1):
        round_dir = out / f"round-{r}"
        records = _collect(cfg, source, round_dir, adapter, r)
        kept, report = curate(records)
        _stage(cfg, f"round {r}: curation kept {len(kept)} episodes")
        successes += kept
        # Same-state pairs: Checker-rejected vs revised proposals in successful episodes, and what a
        # failed sample did vs a verified success of the same task (gold or another sample).
        pairs = preference_pairs(kept) + outcome_pairs(records, successes)
        extra = correction_rows(cfg, out, lambda m: _stage(cfg, m)) if r == 0 else []
        # Rejection sampling: a later round either continues the previous adapter on its own new
        # successes (cheap; the default) or retrains a fresh LoRA on every success so far.
        continues = r > 0 and cfg.round_init == "previous"
        agent_rows = sft_examples(kept if continues else successes) + extra
        if cfg.critic:
            agent_rows += critic_examples(pairs + pairs_from_corrections(extra), cfg.env)
        chat = mix_chat(agent_rows, cfg.mix_data, cfg.mix_ratio, cfg.task_seed + r,
                        [cfg.eval_data] if cfg.eval_data else []) if cfg.mix_data and agent_rows else []
        write_jsonl_atomic(round_dir / "sft.jsonl", agent_rows + chat)
        write_jsonl_atomic(round_dir / "pairs.jsonl", pairs)
        write_json_atomic(round_dir / "curation.json", asdict(report))
        init = cfg.init_adapter if r == 0 else adapter if continues else None
        sft_rows = read_jsonl(round_dir / "sft.jsonl")
        previous, adapter = adapter, _train(cfg, round_dir, sft_rows, pairs, init)
        if adapter == previous:
            _stage(cfg, f"round {r}: nothing to train on, the adapter is unchanged")
            continue
        stage = "dpo" if adapter.endswith("dpo/adapter") else "sft"
        metrics = _eval(cfg, round_dir / f"eval-{stage}", adapter)
        chat_rows = sum(1 for x in sft_rows if x.get("source") == "chat")
        critic_rows = sum(1 for x in sft_rows if x.get("source") == "critic")
        rows.append({"stage": f"round {r} {stage}", "adapter": adapter, "sft_examples": len(sft_rows),
                     "chat_examples": chat_rows, "critic_examples": critic_rows, "kept": len(kept),
                     "pairs": len(pairs), "init": init,
                     **_scores(metrics)})
    summary = {"config": asdict(cfg), "rows": rows, "adapter": _publish(out, rows)}
    write_json_atomic(out / "summary.json", summary)
    return summary


def _scores(metrics: dict[str, Any]) -> dict[str, Any]:
    keep = ("overall", "per_type", "outcomes", "n", "wall_s")
    return {k: metrics.get(k) for k in keep}


def _publish(out: Path, rows: list[dict[str, Any]]) -> str | None:
    """Copy the best round's adapter to ``out/adapter`` with its metrics."""
    tuned = [r for r in rows if r.get("adapter")]
    if not tuned:
        return None
    best = max(tuned, key=lambda r: r["overall"] or 0.0)
    target = out / "adapter"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(best["adapter"], target)
    write_json_atomic(target / "metrics.json", best)
    return str(target)
