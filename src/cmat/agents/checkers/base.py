"""Small helpers shared by checkers."""

from __future__ import annotations

from collections.abc import Callable

from cmat.agents.checker_base import CheckContext, CheckGen, Verdict
from cmat.agents.checkers._sql_text import Finding


def no_model(verify: Callable[[CheckContext], Verdict], ctx: CheckContext) -> CheckGen:
    """Run a plain ``verify(ctx)`` as a checker generator that never yields.

    The orchestrator drives every checker the same way (``next``/``send`` until
    ``StopIteration``); a checker that needs no model returns on the first ``next``.
    """
    if False:  # makes this a generator function; a rule checker has nothing to ask the model
        yield []
    return verify(ctx)


class FindingChecker:
    """Base of the deterministic checkers: ``find`` returns the first problem, or None.

    ``verify`` turns that into a :class:`Verdict` (the rule id goes into its details, for
    statistics) and ``check`` into the checker generator; subclasses write only ``find``.
    """

    name: str = "rule"

    def find(self, ctx: CheckContext) -> Finding | None:
        """The first problem of the proposed reply, or None."""
        raise NotImplementedError

    def revise(self, ctx: CheckContext, finding: Finding) -> str:
        """The reply with ``finding`` corrected, when the checker can write it; else ""."""
        return ""

    def check(self, ctx: CheckContext) -> CheckGen:
        """Generator form of :meth:`verify`: returns at once, never yields."""
        return (yield from no_model(self.verify, ctx))

    def verify(self, ctx: CheckContext) -> Verdict:
        """Approve, or reject with feedback the Assistant can act on."""
        finding = self.find(ctx)
        if finding is None:
            return Verdict(approve=True, feedback="", checker=self.name)
        details: dict[str, object] = {"rule": finding.rule, **finding.details}
        return Verdict(approve=False, feedback=finding.feedback, checker=self.name, details=details,
                       revision=self.revise(ctx, finding))
