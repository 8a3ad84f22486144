"""The continuous engine on the tiny random Llama: the same replies as ``HFLLM.generate`` of each
conversation alone while rows join and leave mid-flight; per-row stopping; seeded sampling that
does not depend on the rest of the batch."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from cmat.errors import ConfigError
from cmat.llm.hf import HFLLM
from cmat.llm.hf_engine import HFEngine
from cmat.types import Completion, Conversation, GenerationConfig, Message

pytest.importorskip("transformers")

PROMPTS = [
    "What is the capital of France?",
    "SELECT",
    "Think step by step. The quick brown fox jumps over the lazy dog. SELECT name, age FROM people;",
    "1+2",
    "Action: Operation",
    "hi",
    "You are a helpful agent. What is the capital of France? Paris is the capital of France.",
]
CONVERSATIONS: list[Conversation] = [[Message("user", p)] for p in PROMPTS]
BUDGETS = [5, 20, 9, 30, 2, 14, 11]  # rows end at different steps


def _alone(llm: HFLLM, conversations: list[Conversation], configs: list[GenerationConfig]) -> list[Completion]:
    return [llm.generate([c], g)[0] for c, g in zip(conversations, configs, strict=True)]


def _drive(engine: HFEngine, requests: list[tuple[int, Conversation, GenerationConfig]]) -> dict[int, Completion]:
    """Submit each request at its step (so later ones join a running batch); run to the end.
    Returns completions by request index; checks the row bound, that rows really overlapped and
    that the shared cache stays as narrow as its longest-lived row (masked columns are dropped)."""
    llm = engine.llm
    widest = max(llm.count_tokens(c) for _, c, _ in requests) + max(g.max_new_tokens for _, _, g in requests)
    tickets: dict[int, int] = {}
    out: dict[int, Completion] = {}
    joined_mid_flight = False
    step = 0
    while len(out) < len(requests):
        for index, (at, conversation, config) in enumerate(requests):
            if at == step:
                joined_mid_flight |= engine.active > 0
                tickets[engine.submit(conversation, config)] = index
        for ticket, completion in engine.step():
            out[tickets[ticket]] = completion
        assert engine.active <= engine.batch_size
        if engine._mask is not None:
            assert engine._mask.shape[1] <= widest
        step += 1
        assert step < 500, "the engine does not finish"
    assert joined_mid_flight and engine.pending == 0 and engine.active == 0
    return out


def test_greedy_equals_generate_alone_while_rows_join_and_leave(tiny_model_dir: Path) -> None:
    llm = HFLLM(model=str(tiny_model_dir), batch_size=3, prefix_block=0)
    configs = [GenerationConfig(max_new_tokens=n) for n in BUDGETS]
    expected = _alone(llm, CONVERSATIONS, configs)
    assert len({c.completion_tokens for c in expected}) > 3  # rows really end at different steps
    engine = llm.engine()
    # Three at once (batch full, the rest queue), then more arriving while those decode.
    arrivals = [0, 0, 0, 0, 3, 4, 12]
    got = _drive(engine, [(at, c, g) for at, c, g in zip(arrivals, CONVERSATIONS, configs, strict=True)])
    assert [got[i] for i in range(len(CONVERSATIONS))] == expected
    assert engine._cache is None  # every row left: the shared cache is gone
    assert engine.run(CONVERSATIONS, configs) == expected  # a fresh batch on the same engine


def test_prefix_cached_prefill_changes_no_reply(tiny_model_dir: Path) -> None:
    plain = HFLLM(model=str(tiny_model_dir), batch_size=8, prefix_block=0)
    cached = HFLLM(model=str(tiny_model_dir), batch_size=4, prefix_block=4)
    base = "You are a helpful agent. Think step by step. SELECT name FROM people WHERE age > 30; "
    prompts: list[Conversation] = [[Message("user", base + f"task {i} " + "x" * i)] for i in range(6)]
    configs = [GenerationConfig(max_new_tokens=6 + 3 * i) for i in range(6)]
    expected = _alone(plain, prompts, configs)
    engine = cached.engine()
    got = _drive(engine, [(2 * i, p, g) for i, (p, g) in enumerate(zip(prompts, configs, strict=True))])
    assert [got[i] for i in range(6)] == expected
    assert cached._prefixes is not None and cached._prefixes.hits >= 1


def test_each_row_stops_on_its_own_rules(tiny_model_dir: Path) -> None:
    """Stop strings, budgets, repeat-stop, context limit and max_new_tokens=0 in one batch:
    each request gets exactly what ``generate`` gives it alone."""
    llm = HFLLM(model=str(tiny_model_dir), max_context=40, batch_size=4, prefix_block=0)
    long = [Message("user", "The quick brown fox jumps over the lazy dog. " * 6)]
    near = [Message("user", "The quick brown fox jumps over the lazy dog.")]
    full = _alone(llm, CONVERSATIONS[:3], [GenerationConfig(max_new_tokens=24)] * 3)
    piece = next(full[0].text[i : i + 2] for i in range(2, 20) if full[0].text[i : i + 2].isascii())
    requests = [
        (CONVERSATIONS[0], GenerationConfig(max_new_tokens=24, stop=(piece,))),
        (CONVERSATIONS[3], GenerationConfig(max_new_tokens=24, repeat_stop=4)),
        (CONVERSATIONS[2], GenerationConfig(max_new_tokens=7)),
        (long, GenerationConfig(max_new_tokens=24)),
        (near, GenerationConfig(max_new_tokens=24)),  # budget shrinks to the room left
        (CONVERSATIONS[1], GenerationConfig(max_new_tokens=0)),
    ]
    expected = [llm.generate_each([c], [g])[0] for c, g in requests]
    assert expected[0].finish_reason == "stop" and expected[0].text == full[0].text[: full[0].text.find(piece)]
    looped = llm.generate([CONVERSATIONS[3]], GenerationConfig(max_new_tokens=24))[0]
    assert expected[1].completion_tokens < looped.completion_tokens  # the repeat stop did cut it
    assert [e.finish_reason for e in expected[3:]] == ["context_limit", "length", "length"]
    assert expected[4].completion_tokens == 40 - llm.count_tokens(near)
    got = _drive(llm.engine(), [(i // 2, c, g) for i, (c, g) in enumerate(requests)])
    assert [got[i] for i in range(len(requests))] == expected


def test_end_of_sequence_ends_only_its_row(tiny_model_dir: Path) -> None:
    """Declare a token the model does emit an EOS id: the row that emits it ends there, with
    ``stop``, exactly as in ``generate``; the other rows keep going."""
    llm = HFLLM(model=str(tiny_model_dir), batch_size=4, prefix_block=0)
    configs = [GenerationConfig(max_new_tokens=16)] * 4
    import torch

    prompt = torch.tensor([llm._encode(CONVERSATIONS[1])])
    with torch.inference_mode():
        ids = llm.model.generate(input_ids=prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=8,
                                 do_sample=False, pad_token_id=llm.pad_id)[0, prompt.shape[1] :].tolist()
    llm._eos_ids = {*llm._eos_ids, ids[3]}
    expected = _alone(llm, CONVERSATIONS[:4], configs)
    assert expected[1].finish_reason == "stop" and expected[1].completion_tokens < 16
    assert any(e.finish_reason == "length" for e in expected)
    assert llm.engine().run(CONVERSATIONS[:4], configs) == expected


def test_seeded_sampling_does_not_depend_on_the_batch(tiny_model_dir: Path) -> None:
    llm = HFLLM(model=str(tiny_model_dir), batch_size=4, prefix_block=0)
    seeded = GenerationConfig(max_new_tokens=16, temperature=1.0, top_p=0.9, seed=7)
    alone = llm.engine().run([CONVERSATIONS[2]], [seeded])[0]
    others = [GenerationConfig(max_new_tokens=n, temperature=1.0, seed=100 + n) for n in (3, 9, 20)]
    crowd = _drive(llm.engine(), [(0, CONVERSATIONS[0], others[0]), (0, CONVERSATIONS[1], GenerationConfig(8)),
                                  (2, CONVERSATIONS[2], seeded), (5, CONVERSATIONS[3], others[1]),
                                  (6, CONVERSATIONS[4], others[2])])
    assert crowd[2] == alone
    reseeded = GenerationConfig(max_new_tokens=16, temperature=1.0, top_p=0.9, seed=8)
    assert llm.engine().run([CONVERSATIONS[2]], [reseeded])[0] != alone
    assert alone != llm.generate([CONVERSATIONS[2]], GenerationConfig(max_new_tokens=16))[0]  # it did sample


def test_unsupported_caches_and_bad_sizes_are_refused(tiny_model_dir: Path) -> None:
    from transformers import MistralConfig

    from cmat.llm._kvcache import check_supported

    sliding = MistralConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                            num_key_value_heads=2, sliding_window=8)
    with pytest.raises(ConfigError, match="full-attention"):
        check_supported(SimpleNamespace(config=sliding))
    llm = HFLLM(model=str(tiny_model_dir), batch_size=2, prefix_block=0)
    with pytest.raises(ConfigError, match="batch_size"):
        llm.engine(batch_size=-1)


def test_per_row_warping_equals_hfs_warpers() -> None:
    import torch
    from transformers import TemperatureLogitsWarper, TopPLogitsWarper

    from cmat.llm.hf_engine import _warp

    torch.manual_seed(0)
    scores = torch.randn(3, 50) * 3
    settings = [(0.7, 0.9), (1.3, 1.0), (1.0, 0.5)]
    got = _warp(torch, scores, [t for t, _ in settings], [p for _, p in settings])
    for row, (temperature, top_p) in enumerate(settings):
        warped = TemperatureLogitsWarper(temperature)(None, scores[row : row + 1])
        if top_p < 1.0:
            warped = TopPLogitsWarper(top_p)(None, warped)
        assert torch.allclose(got[row], warped.softmax(dim=-1)[0])
    assert (got[2] == 0).sum() > (got[1] == 0).sum()  # top-p really dropped tokens
