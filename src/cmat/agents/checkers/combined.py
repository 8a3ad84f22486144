"""Several checkers in a row: the first rejection wins.

``ChainChecker([rule, llm])`` asks the model only when the rules found nothing: the rules are
free, exact and specific, so a reply they reject needs no second opinion (and no model call).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cmat.agents.checker_base import CheckContext, Checker, CheckGen, Verdict


@dataclass
class ChainChecker:
    """Run ``checkers`` in order; return the first rejection, else one approval.

    The approval's ``details`` maps each checker's name to its details (when it had any), so
    e.g. an ``unparsed`` LLM answer stays visible in the episode record.
    """

    checkers: Sequence[Checker]
    name: str = ""

    def __post_init__(self) -> None:
        if not self.checkers:
            raise ValueError("ChainChecker needs at least one checker")
        if not self.name:
            self.name = "+".join(c.name for c in self.checkers)

    def check(self, ctx: CheckContext) -> CheckGen:
        details: dict[str, object] = {}
        for checker in self.checkers:
            verdict = yield from checker.check(ctx)
            if not verdict.approve:
                verdict.checker = verdict.checker or checker.name
                return verdict
            if verdict.details:
                details[checker.name] = verdict.details
        return Verdict(approve=True, feedback="", checker=self.name, details=details)
