"""Fixtures for the runner tests: the tiny random chat model of ``tests/llm`` (built once)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def tiny_runner_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of the tiny random Llama of ``tests/llm/conftest.py``, built once."""
    pytest.importorskip("transformers")
    spec = importlib.util.spec_from_file_location("cmat_tiny_model", Path(__file__).parents[1] / "llm" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder: Path = module.build_tiny_model(tmp_path_factory.mktemp("tiny-runner"))
    return folder


@pytest.fixture(scope="session")
def tiny_runner_llm(tiny_runner_dir: Path) -> Any:
    """An :class:`HFLLM` over the tiny random Llama, with small prefix blocks so that prefix
    caching takes part in the rollouts."""
    from cmat.llm.hf import HFLLM

    return HFLLM(model=str(tiny_runner_dir), batch_size=8, prefix_block=8)
