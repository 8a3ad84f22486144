"""The compact CPU LM head gives TRL's loss, gradients and logged metrics on the same batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cmat.training import SFTSettings
from cmat.training._cpu_head import compact_cpu_head
from cmat.training.sft import build_sft_trainer


def _loss_and_grads(trainer: Any, batch: dict[str, Any]) -> tuple[float, dict[str, Any], dict[str, float]]:
    model = trainer.model
    model.zero_grad(set_to_none=True)
    trainer._metrics["train"].clear()
    loss = trainer.compute_loss(model, dict(batch))
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    metrics = {k: v[-1] for k, v in trainer._metrics["train"].items() if k in ("entropy", "mean_token_accuracy")}
    return float(loss.detach()), grads, metrics


def test_compact_head_matches_trl_kernel(tiny_model_dir: Path, tmp_path: Path, sft_examples: list[dict[str, Any]],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import cmat.training._cpu_head as head

    scored: list[int] = []
    score = head._score
    monkeypatch.setattr(head, "_score", lambda h, rows, targets: scored.append(len(rows)) or score(h, rows, targets))
    settings = SFTSettings(output_dir=str(tmp_path / "o"), base_model=str(tiny_model_dir), batch_size=4,
                           lora_dropout=0.0, report_to="none", progress_bar=False, compact_cpu_head=False)
    trainer, _ = build_sft_trainer(sft_examples, settings)
    trainer.model.train()
    batch = next(iter(trainer.get_train_dataloader()))
    trl_loss, trl_grads, trl_metrics = _loss_and_grads(trainer, batch)
    base = trainer.model.get_base_model()
    assert compact_cpu_head(base) and not compact_cpu_head(base)  # wraps once
    loss, grads, metrics = _loss_and_grads(trainer, batch)
    labelled = int((batch["labels"][:, 1:] != -100).sum())
    assert scored == [labelled] and labelled < batch["labels"].numel() / 2  # only the labelled positions
    assert loss == pytest.approx(trl_loss, rel=1e-5)
    for name, grad in trl_grads.items():
        assert grads[name].allclose(grad, rtol=1e-4, atol=1e-6), name
    assert metrics == pytest.approx(trl_metrics, rel=1e-4)


def test_the_compact_head_is_the_default_and_can_be_switched_off(tiny_model_dir: Path, tmp_path: Path,
                                                                  sft_examples: list[dict[str, Any]]) -> None:
    on, _ = build_sft_trainer(sft_examples, SFTSettings(output_dir=str(tmp_path / "a"), base_model=str(tiny_model_dir),
                                                        report_to="none"))
    off, _ = build_sft_trainer(sft_examples, SFTSettings(output_dir=str(tmp_path / "b"), base_model=str(tiny_model_dir),
                                                         report_to="none", compact_cpu_head=False))
    assert getattr(on.model.get_base_model(), "_cmat_compact_head", False)
    assert not getattr(off.model.get_base_model(), "_cmat_compact_head", False)
