"""Small helpers shared by checkers."""

from __future__ import annotations

from collections.abc import Callable

from cmat.agents.checker_base import CheckContext, CheckGen, Verdict


def no_model(verify: Callable[[CheckContext], Verdict], ctx: CheckContext) -> CheckGen:
    """Run a plain ``verify(ctx)`` as a checker generator that never yields.

    The orchestrator drives every checker the same way (``next``/``send`` until
    ``StopIteration``); a checker that needs no model returns on the first ``next``.
    """
    if False:  # makes this a generator function; a rule checker has nothing to ask the model
        yield []
    return verify(ctx)
