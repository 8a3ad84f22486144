"""The SFT loss on a CPU: project only the positions that have a label.

TRL's SFTTrainer replaces the model's LM head with a chunked log-probability kernel. With Triton
(CUDA, XPU) it scores only the positions whose label is not -100. Elsewhere it scores *every*
position, in vocabulary tiles folded with torch ops, and projects them all again in the backward
pass. For cmat's data (long instructions, a short assistant reply) that is most of the step on a
CPU: profiled on SmolLM2-135M, the kernel took 24.5 s of a 52 s run of steps, where the whole
loss of a plain forward (full logits, cross-entropy) took about 4 s (``BENCHMARKS.md``).

:func:`compact_cpu_head` wraps the patched forward once more. On a CPU, a ``fused_lm_head=True``
call runs the backbone, projects the labelled positions only (full logits for those rows, a
few MB), and returns the same ``FusedCausalLMOutput`` (loss, per-token log-probabilities, and
the entropy and top-1 flags TRL logs, computed without gradient). Any other device, a model
with logit scaling or soft-capping, an MoE model, or a TRL without this interface keeps TRL's
own path.
"""

from __future__ import annotations

import logging
import types
from typing import Any

log = logging.getLogger(__name__)

_ROWS = 2048  # labelled positions projected at once (rows x vocabulary floats of logits)


def compact_cpu_head(model: Any) -> bool:
    """Wrap ``model``'s (TRL-patched) forward with the compact CPU loss; whether it was wrapped."""
    try:
        from trl.trainer.utils import FusedCausalLMOutput
    except ImportError:  # a TRL without the fused LM head: its loss path is the model's own
        return False
    config = model.config.get_text_config()
    unusual = [name for name in ("final_logit_softcapping", "logit_scale", "output_multiplier",
                                 "lm_head_multiplier", "logits_scaling", "output_router_logits")
               if getattr(config, name, None)]
    if unusual or getattr(model, "_cmat_compact_head", False):
        if unusual:
            log.info("the compact CPU LM head does not handle %s; TRL's kernel is kept", ", ".join(unusual))
        return False
    fused_forward = model.forward

    def forward(self: Any, *args: Any, fused_lm_head: bool = False, labels: Any = None, shift_labels: Any = None,
                num_items_in_batch: Any = None, **kwargs: Any) -> Any:
        if not fused_lm_head or self.get_output_embeddings().weight.device.type != "cpu":
            return fused_forward(*args, fused_lm_head=fused_lm_head, labels=labels, shift_labels=shift_labels,
                                 num_items_in_batch=num_items_in_batch, **kwargs)
        kwargs["use_cache"] = False
        hidden = self.base_model(*args, **kwargs).last_hidden_state
        if shift_labels is None:
            hidden, labels = hidden[:, :-1], labels[:, 1:]
        else:
            labels = shift_labels
        mask = labels != -100
        scores, entropy, top1 = _score(self.get_output_embeddings(), hidden[mask], labels[mask])
        log_probs = hidden.new_zeros(mask.shape, dtype=scores.dtype).masked_scatter(mask, scores)
        total = mask.sum().clamp(min=1) if num_items_in_batch is None else num_items_in_batch
        return FusedCausalLMOutput(
            loss=-log_probs.sum() / total,
            log_probs=log_probs,
            entropy=log_probs.new_zeros(mask.shape).masked_scatter(mask, entropy),
            is_top1=mask.new_zeros(mask.shape).masked_scatter(mask, top1),
            label_mask=mask,
        )

    model.forward = types.MethodType(forward, model)
    model._cmat_compact_head = True
    return True


def _score(head: Any, hidden: Any, targets: Any) -> tuple[Any, Any, Any]:
    """Log-probability of each target (with gradient), the entropy and whether the target is the
    argmax (without), for ``hidden`` rows of labelled positions, ``_ROWS`` at a time."""
    import torch

    scores, entropies, top1 = [], [], []
    for start in range(0, max(1, hidden.shape[0]), _ROWS):
        rows, wanted = hidden[start : start + _ROWS], targets[start : start + _ROWS]
        logp = torch.log_softmax(head(rows).float(), dim=-1)
        scores.append(logp.gather(1, wanted[:, None]).squeeze(1))
        with torch.no_grad():
            entropies.append(-(logp.exp() * logp).sum(-1))
            top1.append(logp.argmax(-1) == wanted)
    return torch.cat(scores), torch.cat(entropies), torch.cat(top1)
