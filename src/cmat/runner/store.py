"""Append-only JSONL results with crash-safe resume, and atomic JSON files.

Each record is one line, flushed and fsynced. A process killed mid-write leaves at most one
partial last line; opening the store cuts it off, so no record is lost or duplicated. A
later record for the same id supersedes an earlier one (a retried ``error`` episode).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cmat.errors import ConfigError, DataError


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Records of a JSONL file; a malformed line raises :class:`DataError` naming file and line."""
    out = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
    return out


def write_jsonl_atomic(path: Path, rows: Any) -> None:
    """Write one JSON object per line to ``path`` (folders created) through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    os.replace(tmp, path)


class ResultStore:
    """``DIR/results.jsonl`` + ``DIR/run.json`` (the configuration the records belong to)."""

    def __init__(self, out_dir: str | Path) -> None:
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "results.jsonl"
        self.records: dict[str, dict[str, Any]] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        raw = self.path.read_bytes()
        good = raw.rfind(b"\n") + 1  # bytes up to the last complete line
        if good < len(raw):
            with self.path.open("r+b") as f:
                f.truncate(good)
        for lineno, line in enumerate(raw[:good].decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{self.path}:{lineno} is corrupt ({exc.msg}); move the file away") from exc
            self.records[str(record["id"])] = record

    def check_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Refuse to mix records of another configuration into this directory."""
        path = self.dir / "run.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            diff = [k for k in manifest if k in old and old[k] != manifest[k]]
            if diff and self.records:
                changes = ", ".join(f"{k}: {old[k]!r} -> {manifest[k]!r}" for k in diff)
                raise ConfigError(
                    f"{self.dir} holds results of another run ({changes}); "
                    "use another --out or remove the directory"
                )
        write_json_atomic(path, dict(manifest))

    def finished(self, retry_errors: bool = True) -> set[str]:
        """Ids that need no re-run (``error`` outcomes are re-run unless told otherwise)."""
        return {i for i, r in self.records.items() if not (retry_errors and r.get("outcome") == "error")}

    def append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        self.records[str(record["id"])] = dict(record)
