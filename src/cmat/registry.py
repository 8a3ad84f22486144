"""Name -> factory for LLM backends and environments, imported lazily.

``import cmat`` stays light: nothing here imports torch, transformers or a database driver
until a factory is called. Unknown names raise :class:`ConfigError` listing the valid ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cmat.errors import ConfigError

if TYPE_CHECKING:
    from cmat.envs.base import Env, Task
    from cmat.llm.base import LLM
    from cmat.types import ScriptedReply

MODEL_SPECS: dict[str, str] = {
    "hf": "local transformers, the embedded SmolLM2-135M-Instruct",
    "hf:<path-or-id>": "local transformers, any local folder or Hugging Face model id",
    "openai:<model>": "an OpenAI-compatible server (CMAT_OPENAI_BASE_URL / OPENAI_BASE_URL, *_API_KEY)",
    "mock:<file>": "scripted replies from a YAML/JSON file (tests, demos)",
    "oracle": "replays each task's gold solution (proves the environment and the scorer)",
}


def _valid_specs() -> str:
    return "; ".join(f"'{k}' ({v})" for k, v in MODEL_SPECS.items())


def make_llm(
    spec: str,
    *,
    adapter: str | None = None,
    oracle_scripts: Mapping[str, Sequence[ScriptedReply]] | None = None,
    **options: Any,
) -> LLM:
    """Build an LLM from a model spec such as ``hf``, ``hf:/models/x``, ``openai:gpt-4o-mini``."""
    kind, _, arg = spec.partition(":")
    if adapter and kind != "hf":
        raise ConfigError(f"--adapter needs an 'hf' model, not '{spec}'")
    if kind == "hf":
        from cmat.llm.hf import HFLLM

        return HFLLM(model=arg or None, adapter=adapter, **options)
    if kind == "openai" and arg:
        from cmat.llm.openai_compat import OpenAICompatLLM

        return OpenAICompatLLM(model=arg, **options)
    if kind == "mock" and arg:
        from cmat.llm.mock import MockLLM

        return MockLLM.from_file(arg)
    if spec == "oracle":
        if oracle_scripts is None:
            raise ConfigError("the oracle needs a data set with gold solutions")
        from cmat.llm.oracle import OracleLLM

        return OracleLLM(scripts=oracle_scripts)
    raise ConfigError(f"unknown model spec '{spec}'; valid specs: {_valid_specs()}")


@dataclass(frozen=True)
class EnvEntry:
    """What the runner needs to know of an environment, all resolved lazily."""

    load: Callable[..., list[Task]]
    make: Callable[..., Env]
    gold_replies: Callable[[Task], Sequence[ScriptedReply]]
    task_prompt: Callable[[Task], str]
    metrics: Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]
    default_data: Callable[[], str]
    # Environment keyword arguments from an evaluation config (``EvalConfig``), each
    # environment reading only its own settings.
    options: Callable[[Any], dict[str, Any]] = lambda cfg: {}
    # Extra keyword arguments for ``load`` from the same config (e.g. a scripts folder).
    load_options: Callable[[Any], dict[str, Any]] = lambda cfg: {}


def _dbbench() -> EnvEntry:
    from cmat.envs.dbbench.data import default_dev_path, load_dbbench
    from cmat.envs.dbbench.env import DBBenchEnv, gold_replies, task_prompt
    from cmat.evaluation.dbbench_scoring import dbbench_metrics

    return EnvEntry(
        load=load_dbbench,
        make=DBBenchEnv,
        gold_replies=gold_replies,
        task_prompt=lambda task: task_prompt(task.data),
        metrics=dbbench_metrics,
        default_data=lambda: str(default_dev_path()),
        options=lambda cfg: {"backend": cfg.db_backend, "max_rounds": cfg.max_rounds or 5},
    )


def _os() -> EnvEntry:
    from cmat.envs.os_interaction import MAX_ROUNDS, OSEnv, default_dev_path, gold_replies, load_os, prompt_of
    from cmat.envs.os_interaction.sandbox import SandboxConfig
    from cmat.evaluation.os_scoring import os_metrics

    def options(cfg: Any) -> dict[str, Any]:
        sandbox = SandboxConfig(command_timeout=float(getattr(cfg, "command_timeout", 10.0)),
                                backend=getattr(cfg, "sandbox", "namespaces"),
                                image=getattr(cfg, "docker_image", "ubuntu:22.04"))
        return {"max_rounds": cfg.max_rounds or MAX_ROUNDS, "sandbox": sandbox}

    return EnvEntry(
        load=load_os,
        make=OSEnv,
        gold_replies=gold_replies,
        task_prompt=prompt_of,
        metrics=os_metrics,
        default_data=lambda: str(default_dev_path()),
        options=options,
        load_options=lambda cfg: {"scripts": getattr(cfg, "scripts", None)},
    )


ENVS: dict[str, Callable[[], EnvEntry]] = {"dbbench": _dbbench, "os": _os}


def get_env(name: str) -> EnvEntry:
    """The registry entry of environment ``name``."""
    if name not in ENVS:
        raise ConfigError(f"unknown environment '{name}'; valid: {', '.join(sorted(ENVS))}")
    return ENVS[name]()
