"""Reading AgentBench OS-interaction files (JSON list or JSONL) as AgentBench's loader does.

Every script reference (``init``, ``start``, ``check``, ``example``: a code string, or an object
with ``code`` or ``file`` and an optional ``language``) is resolved at load time against the
scripts folder, so a missing file is a :class:`DataError` naming the entry, not a failed
episode. The resolved judge configuration is stored under ``data["judge"]``; the raw entry
stays as read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cmat.envs.base import Task
from cmat.errors import DataError

_DATA = Path(__file__).resolve().parents[2] / "data" / "agentbench" / "os_interaction"

Script = list[str]  # [language, code], JSON-friendly


def default_dev_path() -> Path:
    """The project's copy of AgentBench's 26 OS-interaction development tasks (Apache-2.0)."""
    return _DATA / "dev.json"


def default_train_path() -> Path:
    """AgentBench's 1,000 OS-interaction training tasks (Apache-2.0)."""
    return _DATA / "train" / "training.json"


def default_scripts(data_path: str | Path) -> Path:
    """``<data folder>/scripts/<data stem>`` when it exists, else the bundled dev scripts."""
    data = Path(data_path)
    beside = data.parent / "scripts" / data.stem
    return beside if beside.is_dir() else _DATA / "scripts" / "dev"


def load_os(path: str | Path, scripts: str | Path | None = None) -> list[Task]:
    """Load tasks; ids are the 0-based entry indices; ``type`` is the first label (or "os")."""
    file = Path(path)
    if not file.is_file():
        raise DataError(f"data file '{file}' does not exist")
    folder = Path(scripts) if scripts else default_scripts(file)
    if not folder.is_dir():
        raise DataError(f"scripts folder '{folder}' does not exist")
    text = file.read_text(encoding="utf-8")
    numbered: list[tuple[str, Any]] = []
    if file.suffix == ".jsonl":
        for lineno, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    numbered.append((f"{file}:{lineno}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise DataError(f"{file}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    else:
        try:
            entries = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"{file}: not valid JSON ({exc})") from exc
        entries = entries if isinstance(entries, list) else [entries]
        numbered = [(f"{file}: entry {i}", e) for i, e in enumerate(entries)]
    return [_task(where, index, entry, folder) for index, (where, entry) in enumerate(numbered)]


def _script(obj: Any, folder: Path, where: str, what: str) -> Script | None:
    """AgentBench's ``load_script``: None, a bash string, or {language?, code | file}."""
    if obj is None:
        return None
    if isinstance(obj, str):
        return ["bash", obj]
    if not isinstance(obj, dict):
        raise DataError(f"{where}: {what} must be a string or an object, got {type(obj).__name__}")
    language = str(obj.get("language", "bash"))
    if language not in ("bash", "python"):
        raise DataError(f"{where}: {what} has unsupported language '{language}' (bash, python)")
    if "file" in obj:
        source = folder / str(obj["file"])
        if not source.is_file():
            raise DataError(f"{where}: {what} refers to '{obj['file']}', not found in {folder}")
        return [language, source.read_text(encoding="utf-8")]
    if "code" in obj:
        return [language, str(obj["code"])]
    raise DataError(f"{where}: {what} needs 'code' or 'file'")


def _judge(entry: dict[str, Any], folder: Path, where: str) -> dict[str, Any]:
    create = entry.get("create")
    init: list[Script | None] = []
    # AgentBench reads init only from an object; a malformed "create" (one dev entry holds a
    # list) is ignored there, and here.
    if isinstance(create, dict) and "init" in create:
        raw = create["init"] if isinstance(create["init"], list) else [create["init"]]
        init = [_script(s, folder, where, "create.init") for s in raw]
    evaluation = entry.get("evaluation")
    if not isinstance(evaluation, dict):
        raise DataError(f"{where}: missing 'evaluation' object")
    match = check = example = None
    if "match" in evaluation:
        m = evaluation["match"]
        match = {"answer": m, "strip": True} if isinstance(m, str) else m
        if not isinstance(match, dict) or not ({"answer", "regex"} & set(match)):
            raise DataError(f"{where}: evaluation.match must be a string or have 'answer' or 'regex'")
    elif "check" in evaluation:
        raw = evaluation["check"] if isinstance(evaluation["check"], list) else [evaluation["check"]]
        check = [_script(s, folder, where, "evaluation.check") for s in raw]
        if "example" in evaluation:
            example = _script(evaluation["example"], folder, where, "evaluation.example")
        if any(s is None for s in check) and example is None:
            raise DataError(f"{where}: evaluation.check has a null step but there is no evaluation.example")
    else:
        raise DataError(f"{where}: evaluation needs 'match' or 'check'")
    start = _script(entry["start"], folder, where, "start") if "start" in entry else None
    return {"init": [s for s in init if s is not None], "start": start, "match": match,
            "check": check, "example": example}


def _task(where: str, index: int, entry: Any, folder: Path) -> Task:
    if not isinstance(entry, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(entry).__name__}")
    if not isinstance(entry.get("description"), str):
        raise DataError(f"{where}: missing required field 'description'")
    labels = entry.get("labels") or []
    kind = str(labels[0]) if isinstance(labels, list) and labels else "os"
    data = {**entry, "judge": _judge(entry, folder, where)}
    return Task(id=str(index), env="os", type=kind, data=data)
