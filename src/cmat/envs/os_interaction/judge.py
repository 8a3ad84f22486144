"""AgentBench's OS judge: ``match`` (exact answer or regex) or ``check`` scripts in the sandbox.

``check`` runs its scripts in order, each as its own process in the episode's sandbox with the
parameters so far: first the agent's answer (``str(answer)``, so "None" after ``finish``), then
the output of every earlier step. A ``null`` step runs the task's ``example`` script (the
reference solution) in its place, so the next script can compare the answer with it. Any
non-zero exit code fails the task. Check scripts never touch the agent's shell or its files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cmat.envs.os_interaction.sandbox import Box


@dataclass
class Verdict:
    """Whether the answer passed, with the evidence (every check step's exit code)."""

    correct: bool
    details: dict[str, Any] = field(default_factory=dict)


def judge_match(match: dict[str, Any], answer: str | None) -> Verdict:
    """AgentBench's match judge; ``strip`` (set for string matches) strips the answer first."""
    if answer is None:
        return Verdict(False, {"reason": "no answer"})
    if match.get("strip"):
        answer = answer.strip()
    if "answer" in match:
        return Verdict(answer == match["answer"], {"method": "match"})
    return Verdict(re.search(str(match["regex"]), answer) is not None, {"method": "regex"})


def judge_check(sandbox: Box, judge: dict[str, Any], answer: str | None) -> Verdict:
    """Run the check steps (see the module doc) in ``sandbox``."""
    params = [str(answer)]
    steps: list[dict[str, Any]] = []
    for script in judge["check"]:
        language, code = script if script is not None else judge["example"]
        result = sandbox.execute_script(language, code, *params)
        steps.append({"example": script is None, "exit_code": result.exit_code, "timed_out": result.timed_out})
        if result.exit_code != 0:
            return Verdict(False, {"method": "check", "steps": steps})
        params.append(result.output)
    return Verdict(True, {"method": "check", "steps": steps})


def judge(sandbox: Box, config: dict[str, Any], answer: str | None) -> Verdict:
    """The verdict on ``answer`` for a task whose resolved judge configuration is ``config``."""
    if config.get("match") is not None:
        return judge_match(config["match"], answer)
    return judge_check(sandbox, config, answer)
