"""Turn an evaluation config into the CMAT agent of each episode and the role routing."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cmat.agents.setup import AgentSetup, approx_tokens
from cmat.config import comma_list
from cmat.envs.base import Task
from cmat.llm.base import LLM
from cmat.runner.orchestrator import Roles
from cmat.types import GenerationConfig

if TYPE_CHECKING:
    from cmat.evaluation.run import EvalConfig

CHECKER_MAX_TOKENS = 128
REFLECTION_MAX_TOKENS = 160


def roles_for(llm: LLM, cfg: EvalConfig, others: Mapping[str, LLM] | None = None) -> Roles:
    """``llm`` for every role without a backend of its own in ``others`` (``checker``,
    ``reflection``); the Checker and reflector get short, greedy replies, and sampled revisions
    (``revision``) the Assistant's settings at ``cfg.revision_temperature``."""
    assistant = GenerationConfig(max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, seed=cfg.seed,
                                 repeat_stop=cfg.repeat_stop)
    checker = GenerationConfig(max_new_tokens=CHECKER_MAX_TOKENS, seed=cfg.seed)
    reflection = GenerationConfig(max_new_tokens=REFLECTION_MAX_TOKENS, seed=cfg.seed)
    configs = {"assistant": assistant, "checker": checker, "reflection": reflection}
    if cfg.revision_temperature > 0:  # sampled revisions; the episode seeds each one
        configs["revision"] = replace(assistant, temperature=cfg.revision_temperature)
    return Roles({"assistant": llm, **(others or {})}, configs)


@contextmanager
def agent_factory(cfg: EvalConfig, llm: LLM, run_id: str) -> Iterator[Callable[[Task], AgentSetup]]:
    """Yield ``task -> AgentSetup``; opens (and finally closes) the long-term memory."""
    from cmat.agents.checkers import make_checker

    checker = make_checker(cfg.checker, env=cfg.env, llm_available=cfg.model != "oracle",
                           rules_off=comma_list(cfg.checker_off))
    memory: Any = None
    if cfg.memory != "off":
        from cmat.memory.embeddings import make_embedder
        from cmat.memory.long_term import LongTermMemory

        memory = LongTermMemory(cfg.memory, embedder=make_embedder(cfg.embedder))
    reflector: Any = None
    if cfg.reflection > 0:
        from cmat.reflection import Reflector

        reflector = Reflector()
    count = getattr(llm, "count_tokens", None) or approx_tokens

    def agent_for(task: Task) -> AgentSetup:
        return AgentSetup(
            checker=checker, revisions=cfg.revisions, repair=cfg.repair,
            revision_temperature=cfg.revision_temperature, memory=memory, memory_k=cfg.memory_k,
            reflection=cfg.reflection, reflector=reflector, mode="train" if cfg.mode == "train" else "eval",
            run_id=run_id,
            context_budget=cfg.context_budget, count_tokens=count, model=cfg.model,
        )

    try:
        yield agent_for
    finally:
        if memory is not None:
            memory.close()
