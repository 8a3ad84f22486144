"""Critic examples: the Checker learns from outcomes.

The ``llm`` Checker is the model asked "is this proposed reply a sound next step?"
(:class:`~cmat.agents.checkers.LLMChecker`). Untuned, a 135M model answers at random or not at
all. These SFT examples teach it from what happened to actions in the same state. Every
preference pair (:func:`cmat.tasks.preference_pairs`, :func:`cmat.tasks.outcome_pairs`, and the
revision correction examples) holds a conversation state, an action that failed and one that
worked there. Each pair gives two examples in the Checker's own prompt format:

* the action that worked → ``VERDICT: APPROVE``;
* the action that failed → ``VERDICT: REJECT`` with feedback. A rule-Checker rejection keeps
  the rule's feedback. An outcome pair gets feedback derived from the two actions: the names
  and values the working action uses instead ("use `Votes` instead of `Seats`"), or the kind
  of step it takes ("the next step should be an SQL query").

At evaluation time the critic sees neither the pair nor the outcome, only the state and a
proposal (``--checker rule+llm`` asks it about every proposal the rules approve). The pairs
come from training tasks only; the examples carry the pair's task id for tracing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from cmat.agents.checker_base import CheckContext, task_prompt
from cmat.agents.checkers import make_checker
from cmat.agents.checkers.llm_checker import LLMChecker
from cmat.agents.templates import render
from cmat.envs.base import Action, Task
from cmat.types import Message

# AgentBench's DBBench task sentence: "The name of this table is X, and the headers of this table are a,b,c."
_TABLE_SENTENCE = re.compile(r"The name of this table is (.+?), and the headers of this table are (.*?)\.?\s*$",
                             re.MULTILINE)
_TOKENS = re.compile(r"`(?:[^`]|``)+`|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\b\d+(?:\.\d+)?\b")
_STEP_NAMES = {"operation": "an SQL query (Action: Operation)", "answer": "the final answer (Action: Answer)"}


def schema_from_prompt(text: str) -> dict[str, list[str]]:
    """The table and headers a DBBench task message states (empty when it states none)."""
    match = _TABLE_SENTENCE.search(text)
    return {match.group(1).strip(): [h for h in match.group(2).split(",") if h]} if match else {}


def _parse(env: str, reply: str) -> Action:
    if env == "dbbench":
        from cmat.envs.dbbench.env import parse_reply

        return parse_reply(reply)
    if env == "os":
        from cmat.envs.os_interaction.protocol import extract_action

        return extract_action(reply)
    return Action("unknown", reply, reply)


def outcome_feedback(env: str, chosen: str, rejected: str) -> str:
    """Feedback on ``rejected`` from what ``chosen`` did instead in the same state."""
    good, bad = _parse(env, chosen), _parse(env, rejected)
    if good.kind != bad.kind and good.kind in _STEP_NAMES:
        return render("critic_outcome_action", step=_STEP_NAMES[good.kind])
    if good.kind == bad.kind == "operation":
        mine, theirs = _names_and_values(good.content), _names_and_values(bad.content)
        use = [t for t in dict.fromkeys(mine) if t not in theirs][:3]
        instead = [t for t in dict.fromkeys(theirs) if t not in mine][:3]
        if use and instead:
            return render("critic_outcome_names", use=", ".join(use), instead=", ".join(instead))
    return render("critic_outcome_generic")


def _names_and_values(sql: str) -> list[str]:
    """The names and values a statement uses, in order (0 and 1 are left out: ``col + 0``, flags)."""
    return [t for t in _TOKENS.findall(sql) if t not in ("0", "1")]


def _messages(prompt: Sequence[dict[str, Any]]) -> list[Message]:
    return [Message(m["role"], m["content"]) for m in prompt]


def _example(checker: LLMChecker, env: str, pair: dict[str, Any], reply: str, target: str) -> dict[str, Any]:
    state = _messages(pair["prompt"])
    task_text = task_prompt(state)
    ctx = CheckContext(Task(str(pair.get("id", "")), env, str(pair.get("type", "")), {}), task_text, state, reply,
                       _parse(env, reply), env, schema_from_prompt(task_text))
    messages = [{"role": m.role, "content": m.content, "train": False} for m in checker.conversation(ctx)]
    return {"id": pair.get("id"), "type": pair.get("type"), "source": "critic",
            "messages": [*messages, {"role": "assistant", "content": target, "train": True}]}


def critic_examples(pairs: Iterable[dict[str, Any]], env: str) -> list[dict[str, Any]]:
    """Two Checker SFT examples per pair (approve the chosen action, reject the other), see the module doc."""
    checker = make_checker("llm", env=env)
    assert isinstance(checker, LLMChecker)
    out = []
    for pair in pairs:
        if pair["chosen"] == pair["rejected"]:
            continue
        feedback = str(pair.get("feedback") or "")
        if not feedback or feedback.startswith("environment:"):
            feedback = outcome_feedback(env, pair["chosen"], pair["rejected"])
        out.append(_example(checker, env, pair, pair["chosen"], render("critic_approve")))
        out.append(_example(checker, env, pair, pair["rejected"], render("critic_reject", feedback=feedback)))
    return out


def pairs_from_corrections(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Revision correction examples (:mod:`cmat.tasks.corrections`) as pairs: the corrupted
    proposal, the rule Checker's feedback on it, and the gold proposal, in the same state."""
    pairs = []
    for row in rows:
        if row.get("source") != "revision":
            continue
        messages = row["messages"]
        context, bad, request, gold = messages[:-3], messages[-3], messages[-2], messages[-1]
        feedback = request["content"].partition("Checker feedback: ")[2].rpartition("\nWrite a corrected reply")[0]
        pairs.append({"id": row.get("id"), "type": row.get("type"), "prompt": context,
                      "chosen": gold["content"], "rejected": bad["content"], "feedback": feedback.strip()})
    return pairs
