"""Serve a set of pending model requests with as few batched calls as the backends allow.

Requests are grouped by backend. A backend with ``generate_each`` (one config per conversation,
e.g. :class:`cmat.llm.hf.HFLLM`) gets every request of every role in one call, so the Checker's
and the reflector's short greedy calls share the forward batches of the Assistant. Any other
backend gets one ``generate`` call per generation-settings group.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from cmat.errors import BackendError
from cmat.llm.base import LLM
from cmat.types import Completion, Conversation, GenerationConfig


@dataclass
class Roles:
    """Which backend and settings serve each role; roles not listed use the assistant's."""

    llms: Mapping[str, LLM]
    configs: Mapping[str, GenerationConfig]

    @staticmethod
    def single(llm: LLM, config: GenerationConfig) -> Roles:
        return Roles({"assistant": llm}, {"assistant": config})

    def route(self, role: str, seed: int | None = None) -> tuple[LLM, GenerationConfig]:
        """The backend and settings of ``role``; a request's own ``seed`` is mixed into the
        role's seed when the role samples (greedy settings are returned unchanged)."""
        llm = self.llms.get(role, self.llms["assistant"])
        config = self.configs.get(role, self.configs["assistant"])
        if seed is not None and config.temperature > 0:
            config = replace(config, seed=((config.seed or 0) * 1_000_003 + seed) % 2**31)
        return llm, config


@dataclass
class Served:
    """The completions of one ``serve`` call, in request order, and each request's LLM time."""

    completions: list[Completion]
    seconds: list[float]
    calls: int


Routed = tuple[Conversation, str] | tuple[Conversation, str, int | None]


def serve(roles: Roles, requests: Sequence[Routed]) -> Served:
    """Answer ``(conversation, role[, seed])`` requests; a backend error becomes an ``error``
    completion for the requests of that call (the episode ends with the ``error`` outcome;
    resuming retries)."""
    routes = [roles.route(*request[1:]) for request in requests]
    by_backend: dict[int, list[int]] = {}
    for i, (llm, _) in enumerate(routes):
        by_backend.setdefault(id(llm), []).append(i)
    calls: list[list[int]] = []
    for members in by_backend.values():
        if hasattr(routes[members[0]][0], "generate_each"):
            calls.append(members)
            continue
        by_config: dict[int, list[int]] = {}
        for i in members:
            by_config.setdefault(id(routes[i][1]), []).append(i)
        calls.extend(by_config.values())
    out: list[Completion] = [Completion("", "error", error="not served")] * len(requests)
    seconds = [0.0] * len(requests)
    for members in calls:
        llm = routes[members[0]][0]
        batch = [requests[i][0] for i in members]
        started = time.perf_counter()
        completions = _call(llm, batch, [routes[i][1] for i in members])
        spent = time.perf_counter() - started
        for i, completion in zip(members, completions, strict=True):
            out[i], seconds[i] = completion, spent
    return Served(out, seconds, len(calls))


def _call(llm: LLM, batch: list[Conversation], configs: list[GenerationConfig]) -> list[Completion]:
    try:
        if len({id(c) for c in configs}) == 1:
            completions = llm.generate(batch, configs[0])
        else:
            completions = llm.generate_each(batch, configs)  # type: ignore[attr-defined]
    except BackendError as exc:
        return [Completion(text="", finish_reason="error", error=str(exc)) for _ in batch]
    if len(completions) != len(batch):
        raise BackendError(f"{llm.name} returned {len(completions)} completions for {len(batch)} requests")
    return completions
