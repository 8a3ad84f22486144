"""The data ablation of a `cmat tune` run with a self-play round; prints one JSON object.

Where does a round's gain come from: the gold trajectories, the model's own verified
successes, or both? Three adapters of one tune run (``--run``, with rounds 0 and 1), each
evaluated on the 60 DBBench dev tasks (greedy, no Checker):

* gold  — round 0: the starting adapter (``init_adapter`` of the run, or the base model)
  trained on the gold trajectories and correction examples (``round-0/sft/adapter``);
* self  — the same starting adapter trained only on round 1's verified self-play successes
  (``round-1/sft.jsonl``), with the run's SFT settings; trained here, in ``ROOT/data-ablation-TAG``;
* both  — round 0, then round 1's successes (``round-1/sft/adapter``, rejection sampling);
* both, no Checker — round 1 collected again without the Checker (same tasks, adapter,
  temperature and seed as the run's ``round-1/collect-s0``), then round 0 trained on those
  successes with the same settings: what the Checker during collection adds.

    python benchmarks/data_ablation.py --run runs/tune-cont --markdown

Every stage is resumable: a finished adapter or evaluation is reused. Greedy records do not
depend on ``--batching`` or ``--concurrency``; only the wall time does.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

TYPES = ("SELECT", "INSERT", "UPDATE")


def _run_config(run: Path) -> Any:
    """The tune run's own ``TuneConfig`` (its ``config.json``)."""
    from dataclasses import fields

    from cmat.training.tune import TuneConfig

    saved = json.loads((run / "config.json").read_text(encoding="utf-8"))
    return TuneConfig(**{f.name: saved[f.name] for f in fields(TuneConfig) if f.name in saved})


def _sft(rows: list[dict[str, Any]], cfg: Any, out: Path, init: str | None) -> str:
    """``rows`` trained as the run trains a round (``cmat.training.tune.sft_settings``); reused when done."""
    from cmat.training import train_sft
    from cmat.training.tune import sft_settings

    adapter = out / "sft" / "adapter"
    if not (adapter / "adapter_manifest.json").exists():
        train_sft(rows, sft_settings(cfg, out / "sft", init))
    return str(adapter)


def _self_adapter(run: Path, cfg: Any, out: Path) -> str:
    from cmat.runner.store import read_jsonl

    rows = [r for r in read_jsonl(run / "round-1" / "sft.jsonl") if r.get("source") not in ("chat", "critic")]
    if not rows:
        raise SystemExit(f"{run}/round-1/sft.jsonl holds no self-play successes to train on")
    return _sft(rows, cfg, out, cfg.init_adapter)


def _no_checker_adapter(run: Path, cfg: Any, out: Path, args: argparse.Namespace) -> str:
    """Round 1 again, collected without the Checker, trained as the run trained round 1."""
    from cmat.evaluation.run import EvalConfig, evaluate
    from cmat.runner.store import read_jsonl
    from cmat.tasks import curate, sft_examples

    sample = json.loads((run / "round-1" / "collect-s0" / "run.json").read_text(encoding="utf-8"))
    collect = out / "collect"
    evaluate(
        EvalConfig(
            out=str(collect),
            model=sample["model"],
            adapter=sample["adapter"],
            data=sample["data"],
            limit=cfg.collect_tasks,
            mode="train",
            checker="none",
            temperature=sample["temperature"],
            seed=sample["seed"],
            max_new_tokens=sample["max_new_tokens"],
            concurrency=args.concurrency,
            batching=args.batching,
        ),
        progress=True,
    )
    kept, report = curate(read_jsonl(collect / "results.jsonl"))
    (out / "curation.json").write_text(json.dumps({"kept": report.kept, "verified": report.verified}), encoding="utf-8")
    if not kept:
        raise SystemExit("collection without the Checker verified no success to train on")
    return _sft(sft_examples(kept), cfg, out, str(run / "round-0" / "sft" / "adapter"))


def _evaluate(adapter: str, out: Path, args: argparse.Namespace, earlier: Path | None = None) -> dict[str, Any]:
    """Evaluate ``adapter`` into ``out``; the tune run's own evaluation of it (``earlier``) is
    copied in first, so its finished samples are reused and the run folder is left as it is."""
    import shutil

    from cmat.evaluation.run import EvalConfig, evaluate

    if earlier is not None and (earlier / "results.jsonl").exists() and not out.exists():
        shutil.copytree(earlier, out)

    return evaluate(
        EvalConfig(out=str(out), model="hf", adapter=adapter, concurrency=args.concurrency, batching=args.batching),
        progress=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", required=True, help="a cmat tune output folder with round-0 and round-1")
    parser.add_argument("--root", default="runs", help="where the self arm is trained and evaluations go")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--batching", default="continuous", choices=["lockstep", "continuous"])
    parser.add_argument(
        "--skip-no-checker", action="store_true", help="leave out the arm collected without the Checker"
    )
    parser.add_argument("--markdown", action="store_true", help="also print the table for docs/results.md")
    args = parser.parse_args()
    run = Path(args.run)
    cfg = _run_config(run)
    for need in (run / "round-0" / "sft" / "adapter", run / "round-1" / "sft" / "adapter"):
        if not need.is_dir():
            raise SystemExit(f"{need} is missing: the data ablation needs a finished round 0 and round-1 SFT")
    out = Path(args.root) / f"data-ablation-{run.name}"
    # name -> (evaluation folder, how to get the adapter: trained here on first use, then reused)
    arms: dict[str, tuple[str, Callable[[], str]]] = {
        "gold": ("eval-gold", lambda: str(run / "round-0" / "sft" / "adapter")),
        "self": ("eval-self", lambda: _self_adapter(run, cfg, out / "self")),
        "both": ("eval-both", lambda: str(run / "round-1" / "sft" / "adapter")),
    }
    if not args.skip_no_checker:
        arms["both, no Checker"] = (
            "eval-both-no-Checker",
            lambda: _no_checker_adapter(run, cfg, out / "no-checker", args),
        )
    report: dict[str, Any] = {"run": str(run), "init_adapter": cfg.init_adapter, "arms": {}}
    for name, (folder, make_adapter) in arms.items():
        adapter = make_adapter()
        earlier = run / "round-0" / "eval-sft" if name == "gold" else None
        metrics = _evaluate(adapter, out / folder, args, earlier)
        report["arms"][name] = {
            "adapter": adapter,
            "overall": metrics["overall"],
            "n": metrics["n"],
            "per_type": metrics["per_type"],
            "outcomes": metrics["outcomes"],
            "wall_s": metrics["wall_s"],
        }
    print(json.dumps(report))
    if args.markdown:
        print("\n| data | overall | " + " | ".join(TYPES) + " | adapter |")
        print("|---|---|" + "---|" * len(TYPES) + "---|")
        for name, arm in report["arms"].items():
            per = " | ".join(f"{100 * arm['per_type'].get(t, 0.0):.1f}" for t in TYPES)
            print(f"| {name} | {100 * arm['overall']:.1f} | {per} | `{arm['adapter']}` |")


if __name__ == "__main__":
    main()
