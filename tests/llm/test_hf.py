"""The ``hf`` backend on a tiny random Llama: batching, stopping, sampling, context, adapters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cmat.errors import ConfigError, MissingDependencyError
from cmat.llm.base import LLM
from cmat.llm.hf import HFLLM
from cmat.types import GenerationConfig, Message

pytest.importorskip("transformers")

CONVERSATIONS = [
    [Message("user", "What is the capital of France?")],
    [Message("user", "SELECT")],
    [
        Message("system", "You are a helpful agent."),
        Message("user", "Think step by step. The quick brown fox jumps over the lazy dog."),
    ],
    [Message("user", "1+2")],
    [Message("user", "Action: Operation")],
    [Message("user", "hi")],
]
GREEDY = GenerationConfig(max_new_tokens=24)


def test_implements_the_llm_protocol(tiny_llm: HFLLM) -> None:
    assert isinstance(tiny_llm, LLM)
    assert tiny_llm.name.startswith("hf/")
    assert tiny_llm.max_context == 256


def test_batched_greedy_equals_one_at_a_time(tiny_llm: HFLLM) -> None:
    batched = tiny_llm.generate(CONVERSATIONS, GREEDY)  # batch_size=4: two chunks, left padding
    single = [tiny_llm.generate([c], GREEDY)[0] for c in CONVERSATIONS]
    assert batched == single
    assert len({c.text for c in batched}) == len(CONVERSATIONS)  # replies really differ
    assert all(c.completion_tokens == 24 and c.finish_reason == "length" for c in batched)


def test_token_counts_use_the_chat_template(tiny_llm: HFLLM) -> None:
    conversation = CONVERSATIONS[2]
    rendered = tiny_llm.tokenizer.apply_chat_template(
        [m.to_dict() for m in conversation], add_generation_prompt=True, tokenize=False
    )
    assert rendered.endswith("<|im_start|>assistant\n")
    expected = len(tiny_llm.tokenizer(rendered, add_special_tokens=False)["input_ids"])
    assert tiny_llm.count_tokens(conversation) == expected
    assert tiny_llm.generate([conversation], GREEDY)[0].prompt_tokens == expected


def _ascii_piece(text: str) -> tuple[str, int]:
    """A 3-letter piece of ``text`` after its first characters, and where it first occurs."""
    for start in range(2, len(text) - 3):
        piece = text[start : start + 3]
        if piece.isascii() and piece.isalpha():
            return piece, text.find(piece)
    raise AssertionError(f"no ascii piece in {text!r}")


def test_stop_strings_cut_the_text_and_end_early(tiny_llm: HFLLM) -> None:
    full = tiny_llm.generate(CONVERSATIONS, GREEDY)
    pieces = [_ascii_piece(c.text) for c in full]
    # Each conversation gets its own stop string in its own call; a batch shares one config.
    for conversation, reference, (piece, at) in zip(CONVERSATIONS, full, pieces, strict=True):
        [stopped] = tiny_llm.generate([conversation], GenerationConfig(max_new_tokens=24, stop=(piece,)))
        assert stopped.text == reference.text[:at]
        assert stopped.finish_reason == "stop"
        assert stopped.completion_tokens < reference.completion_tokens
    # All stop strings at once in one batch: each sequence is cut at the earliest one it meets.
    config = GenerationConfig(max_new_tokens=24, stop=tuple(p for p, _ in pieces))
    together = tiny_llm.generate(CONVERSATIONS, config)
    for reference, stopped in zip(full, together, strict=True):
        cut = min(i for i in (reference.text.find(p) for p, _ in pieces) if i >= 0)
        assert stopped.text == reference.text[:cut]
        assert stopped.finish_reason == "stop"


def test_seeded_sampling_is_reproducible(tiny_llm: HFLLM) -> None:
    config = GenerationConfig(max_new_tokens=16, temperature=1.0, seed=7)
    first = tiny_llm.generate(CONVERSATIONS[:3], config)
    assert tiny_llm.generate(CONVERSATIONS[:3], config) == first
    other = tiny_llm.generate(CONVERSATIONS[:3], GenerationConfig(max_new_tokens=16, temperature=1.0, seed=8))
    assert other != first
    assert first != tiny_llm.generate(CONVERSATIONS[:3], GREEDY)


def test_seeded_sampling_leaves_the_callers_random_stream_alone(tiny_llm: HFLLM) -> None:
    import torch

    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    tiny_llm.generate(CONVERSATIONS[:1], GenerationConfig(max_new_tokens=4, temperature=1.0, seed=99))
    assert torch.equal(torch.rand(3), expected)


def test_max_new_tokens_zero_and_small(tiny_llm: HFLLM) -> None:
    [none] = tiny_llm.generate(CONVERSATIONS[:1], GenerationConfig(max_new_tokens=0))
    assert (none.text, none.finish_reason, none.completion_tokens) == ("", "length", 0)
    [three] = tiny_llm.generate(CONVERSATIONS[:1], GenerationConfig(max_new_tokens=3))
    assert three.completion_tokens == 3 and three.finish_reason == "length"


def test_context_limit_and_shrunk_budget(tiny_model_dir: Path) -> None:

    llm = HFLLM(model=str(tiny_model_dir), max_context=40, batch_size=8)
    short = [Message("user", "hi")]
    long = [Message("user", "The quick brown fox jumps over the lazy dog. " * 6)]
    near = [Message("user", "The quick brown fox jumps over the lazy dog.")]
    n_short, n_long, n_near = (llm.count_tokens(c) for c in (short, long, near))
    assert n_short + 24 <= 40 < n_long and n_near < 40 < n_near + 24
    results = llm.generate([short, long, near], GREEDY)
    assert [r.finish_reason for r in results] == ["length", "context_limit", "length"]
    assert results[1].text == "" and results[1].prompt_tokens == n_long and results[1].completion_tokens == 0
    assert results[0].completion_tokens == 24
    assert results[2].completion_tokens == 40 - n_near  # budget shrunk to what fits
    # Context-limited chunking must not change what each sequence generates.
    assert results[0] == llm.generate([short], GREEDY)[0]
    assert results[2] == llm.generate([near], GREEDY)[0]


def test_chunks_keep_padded_prompt_plus_budget_inside_the_context(tiny_model_dir: Path) -> None:
    from cmat.llm.hf import _Job

    llm = HFLLM(model=str(tiny_model_dir), max_context=50, batch_size=3)
    jobs = [_Job(i, [0] * n, min(20, 50 - n)) for i, n in enumerate([5, 40, 10, 45, 12, 8])]
    chunks = llm._chunks(jobs)
    assert sorted(j.index for c in chunks for j in c) == list(range(6))
    for chunk in chunks:
        assert len(chunk) <= 3
        assert max(len(j.ids) for j in chunk) + max(j.budget for j in chunk) <= 50


def _make_adapter(base: Path, out: Path) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(1)
    model = AutoModelForCausalLM.from_pretrained(base)
    config = LoraConfig(r=4, lora_alpha=16, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(model, config).save_pretrained(str(out))
    return out


def test_adapter_is_loaded_and_changes_the_model(
    tiny_model_dir: Path, tiny_llm: HFLLM, tmp_path: Path
) -> None:
    pytest.importorskip("peft")

    adapter = _make_adapter(tiny_model_dir, tmp_path / "lora")
    tuned = HFLLM(model=str(tiny_model_dir), adapter=str(adapter), batch_size=4)
    assert tuned.name.endswith("+lora")
    base_q = tiny_llm.model.model.layers[0].self_attn.q_proj.weight
    tuned_q = tuned.model.model.layers[0].self_attn.q_proj.weight
    assert not bool((base_q == tuned_q).all())
    base_mlp = tiny_llm.model.model.layers[0].mlp.up_proj.weight
    assert bool((base_mlp == tuned.model.model.layers[0].mlp.up_proj.weight).all())
    assert tuned.generate(CONVERSATIONS, GREEDY) != tiny_llm.generate(CONVERSATIONS, GREEDY)


def test_adapter_errors(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    with pytest.raises(ConfigError, match="does not exist"):
        HFLLM(model=str(tiny_model_dir), adapter=str(tmp_path / "missing"))
    monkeypatch.setitem(sys.modules, "peft", None)  # simulate peft not installed
    with pytest.raises(MissingDependencyError, match=r"cmat\[train\]"):
        HFLLM(model=str(tiny_model_dir), adapter=str(tmp_path))


def test_bad_arguments(tiny_model_dir: Path, tmp_path: Path) -> None:

    with pytest.raises(ConfigError, match="dtype"):
        HFLLM(model=str(tiny_model_dir), dtype="float8")
    with pytest.raises(ConfigError, match="batch_size"):
        HFLLM(model=str(tiny_model_dir), batch_size=0)
    with pytest.raises(ConfigError, match="cannot load"):
        HFLLM(model=str(tmp_path / "nowhere"))


def test_missing_torch_names_the_hf_extra(monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingDependencyError, match=r"cmat\[hf\]"):
        HFLLM(model="unused")


def test_importing_the_backends_does_not_import_torch() -> None:
    code = (
        "import sys, cmat.llm.hf, cmat.llm.hf_engine, cmat.llm.embedded, cmat.llm.openai_compat, cmat.serve\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'heavy import'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_prefix_caching_changes_no_output(tiny_model_dir: Path) -> None:
    """Prompts sharing a long prefix: the cached prefix (padding after it) gives the very same
    greedy completions as plain left padding, batched and one at a time."""
    plain = HFLLM(model=str(tiny_model_dir), batch_size=8, prefix_block=0)
    cached = HFLLM(model=str(tiny_model_dir), batch_size=8, prefix_block=4)
    base = "You are a helpful agent. Think step by step. SELECT name FROM people WHERE age > 30; "
    prompts = [[Message("user", base + f"task {i} " + "x" * i)] for i in range(6)]
    expected = plain.generate(prompts, GREEDY)
    assert cached.generate(prompts, GREEDY) == expected
    assert [cached.generate([p], GREEDY)[0] for p in prompts] == expected
    assert cached._prefixes is not None and cached._prefixes.hits >= 6 and cached._prefixes.misses >= 1


def test_a_looping_reply_is_ended_once_its_tail_repeats() -> None:
    import torch

    from cmat.llm._stopping import looping as _looping

    loop = torch.tensor([5, 9, 2] + [7, 8, 3, 4] * 6)  # period 4 after three other tokens
    assert _looping(loop, 20) and not _looping(loop, 24) and not _looping(loop, 0)
    assert _looping(torch.tensor([1] * 9), 8) and not _looping(torch.tensor([1] * 8), 8)  # needs span + 1 tokens
    assert not _looping(torch.arange(100), 16)


def test_the_stopper_ends_only_the_looping_row() -> None:
    import torch
    import transformers

    from cmat.llm.hf import _make_stopper

    stopper = _make_stopper(transformers.StoppingCriteria, torch)(None, 2, [50, 50, 50], [(), (), ()], {0}, [8, 0, 8])
    prompt = [[11, 12]] * 3
    rows = [[7, 8, 3] * 4, [7, 8, 3] * 4, list(range(20, 32))]  # a loop; the same loop, check off; no loop
    done = stopper(torch.tensor([p + r for p, r in zip(prompt, rows, strict=True)]), None)
    assert done.tolist() == [True, False, False] and stopper.finished_at == [12, None, None]


def test_repeat_stop_only_ever_shortens_a_reply(tiny_llm: HFLLM) -> None:
    full = tiny_llm.generate(CONVERSATIONS, GenerationConfig(max_new_tokens=48))
    cut = tiny_llm.generate(CONVERSATIONS, GenerationConfig(max_new_tokens=48, repeat_stop=6))
    for reference, short in zip(full, cut, strict=True):
        assert reference.text.startswith(short.text) and short.completion_tokens <= reference.completion_tokens
