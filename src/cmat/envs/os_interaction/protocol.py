"""AgentBench's OS-interaction protocol: the prompt, ``extract_action`` and the observations.

Reproduced from AgentBench's ``src/server/tasks/os_interaction/task.py`` (see
``docs/design/os-env.md`` for what was reconstructed): the first user turn is the instruction
text followed by "Now, my problem is:" and the one-shot question, then the one-shot exchange,
then "Now, I will start a new problem in a new OS. My problem is:" and the task.
"""

from __future__ import annotations

import functools
import json
import re
import string
from importlib import resources

from cmat.envs.base import Action
from cmat.types import Message

OUTPUT_LIMIT = 800  # longer outputs are truncated ...
OUTPUT_KEPT = 780   # ... to their first 780 characters plus the notice
TRUNCATED_NOTICE = "\n[truncated because the output is too long]"
OUTPUT_PREFIX = "The output of the OS:\n\n"
EMPTY_OUTPUT = "The output of the OS is empty."

_THINK = re.compile(r"Think:\s*(.+)")
_ACT = re.compile(r"Act:\s*(.+)")
_BASH_BLOCK = re.compile(r"```bash\n(.*?)\n```", re.DOTALL)


@functools.lru_cache(maxsize=8)
def _prompt(name: str) -> str:
    return resources.files("cmat.envs.os_interaction").joinpath(f"prompts/{name}").read_text("utf-8")


def task_prompt(description: str) -> str:
    """The turn that states the task (the oracle recognises the task by it)."""
    return string.Template(_prompt("task.txt")).substitute(description=description)


def initial_messages(description: str) -> list[Message]:
    """The conversation AgentBench starts an OS episode with (one-shot mode, its default)."""
    shots = json.loads(_prompt("one_shot.json"))
    first = _prompt("instructions.txt") + _prompt("first_problem.txt") + shots[0]["content"]
    messages = [Message("user", first)]
    messages += [Message(s["role"], s["content"]) for s in shots[1:]]
    messages.append(Message("user", task_prompt(description)))
    return messages


def extract_action(reply: str) -> Action:
    """AgentBench's ``extract_action``: the last ``Act:`` line that is bash, finish or answer(...).

    ``kind`` is "bash" (content: every ```bash block joined by a blank line, possibly empty),
    "finish" (no answer), "answer" (the text between the first "(" and the last ")" of the
    line) or "invalid" (no such line: AgentBench's invalid action).
    """
    for act in reversed(_ACT.findall(reply)):
        lowered = act.lower()
        if lowered.startswith("bash"):
            return Action("bash", "\n\n".join(_BASH_BLOCK.findall(reply)), reply)
        if lowered.startswith("finish"):
            return Action("finish", "", reply)
        if lowered.startswith("answer"):
            content = act[6:].strip()
            left, right = content.find("("), content.rfind(")")
            if left == -1 or right == -1:
                continue
            return Action("answer", content[left + 1 : right], reply)
    return Action("invalid", "", reply)


def thought(reply: str) -> str:
    """The reply's ``Think:`` lines joined (kept in the trajectory details)."""
    return "\n".join(_THINK.findall(reply))


def observation(output: str) -> str:
    """What the agent sees after a bash action: AgentBench's truncation and empty notice."""
    if len(output) > OUTPUT_LIMIT:
        output = output[:OUTPUT_KEPT] + TRUNCATED_NOTICE
    return OUTPUT_PREFIX + output if output else EMPTY_OUTPUT
