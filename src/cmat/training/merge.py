"""Fold a LoRA adapter into its base model, giving a plain model folder.

The result loads with ``AutoModelForCausalLM.from_pretrained(out_dir)`` and needs neither peft
nor the adapter, so every backend that serves ordinary Hugging Face folders (the ``hf`` LLM,
vLLM, a GGUF converter) can use a tuned model.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cmat.errors import ConfigError
from cmat.training import _common as c


def merge_adapter(base: str | Path | None, adapter_dir: str | Path, out_dir: str | Path) -> Path:
    """Merge ``adapter_dir`` into ``base`` and save the full model + tokenizer to ``out_dir``.

    ``base`` None means the base recorded with the adapter (else the embedded model). The base
    is loaded in float32 so the merge adds no rounding; the adapter's manifest is copied along
    and ``merge.json`` records where the weights came from.
    """
    peft = c.lazy("peft")
    transformers = c.lazy("transformers")
    torch = c.lazy("torch")
    adapter = Path(adapter_dir)
    if not (adapter / "adapter_config.json").is_file():
        raise ConfigError(f"{adapter} is not a LoRA adapter folder (no adapter_config.json)")
    base_path = c.resolve_base_model(str(base) if base else None, adapter)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = transformers.AutoModelForCausalLM.from_pretrained(base_path, dtype=torch.float32)
    merged = peft.PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    merged.save_pretrained(str(out))
    tokenizer_source = adapter if (adapter / "tokenizer_config.json").is_file() else Path(base_path)
    transformers.AutoTokenizer.from_pretrained(str(tokenizer_source)).save_pretrained(str(out))
    if (adapter / c.MANIFEST).is_file():
        shutil.copyfile(adapter / c.MANIFEST, out / c.MANIFEST)
    record = {"base_model": base_path, "adapter_dir": str(adapter.resolve()), "versions": c.versions()}
    (out / "merge.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    return out
