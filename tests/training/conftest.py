"""Fixtures for the training tests: a tiny random Llama with SmolLM2's chat template, and data.

Built locally in about a second (no downloads): a byte-level BPE tokenizer trained on a small
corpus and a 2-layer Llama with random weights. The template is SmolLM2-135M-Instruct's own
(it inserts a default system prompt), so the label masking is tested on the real format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _sft_data import conversation

SMOLLM2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CORPUS = [
    "You are a helpful AI assistant named SmolLM, trained by Hugging Face",
    "SELECT name, age FROM people WHERE age > 30 ORDER BY name;",
    "Action: Operation\nFinal Answer: [1, 2, 3]",
    "What is the capital of France? Paris is the capital of France.",
    "user assistant system Think step by step. The answer is blue.",
    "0123456789 + - * / = ( ) [ ] { } < > , . ; : ! ? ' \"",
]


def build_tiny_model(folder: Path, seed: int = 0) -> Path:
    """Write a tiny Llama chat model (tokenizer + random weights) into ``folder``."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    raw.train_from_iterator(CORPUS * 20, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.chat_template = SMOLLM2_TEMPLATE
    tokenizer.save_pretrained(folder)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        initializer_range=0.2,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of the tiny random chat model, built once per test session."""
    pytest.importorskip("trl")
    pytest.importorskip("peft")
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama-train"))


@pytest.fixture()
def sft_examples() -> list[dict[str, Any]]:
    """A tiny repeated data set the model can memorise in a few steps."""
    return [conversation("Final Answer: Paris"), conversation("SELECT name FROM people;")] * 4
