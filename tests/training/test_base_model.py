"""Which base model an adapter is loaded onto: the one it records, or this machine's embedded model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.training import _common


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    import cmat.llm.embedded as emb

    here = tmp_path / "cache" / "models" / emb.EMBEDDED_MODEL_ID
    monkeypatch.setattr(emb, "embedded_model_path", lambda cache=None: here)
    return here


def _adapter(folder: Path, base: str) -> Path:
    folder.mkdir(parents=True)
    (folder / _common.MANIFEST).write_text(json.dumps({"base_model": base}))
    return folder


def test_an_adapter_from_another_machine_finds_the_embedded_model_here(tmp_path: Path, embedded: Path) -> None:
    adapter = _adapter(tmp_path / "a", "/home/someone/.cache/cmat/models/smollm2-135m-instruct")
    assert _common.resolve_base_model(None, adapter) == str(embedded)


def test_a_recorded_base_that_exists_or_is_a_hub_id_is_kept(tmp_path: Path, embedded: Path) -> None:
    other = tmp_path / "my-base"
    other.mkdir()
    assert _common.resolve_base_model(None, _adapter(tmp_path / "a", str(other))) == str(other)
    hub = "HuggingFaceTB/SmolLM2-360M-Instruct"
    assert _common.resolve_base_model(None, _adapter(tmp_path / "b", hub)) == hub
    assert _common.resolve_base_model("explicit", tmp_path / "a") == "explicit"
    assert _common.resolve_base_model(None, tmp_path / "none") == str(embedded)
