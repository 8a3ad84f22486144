"""Training examples from curated trajectories: chat examples for SFT and preference pairs for DPO.

Only what the environment executed is learned: in the final attempt's conversation (AgentBench's
history) the instructions, the scripted "Ok." and the task are context, every later assistant
message the environment executed is a target (unless the record marks it untrainable).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cmat.tasks.curate import action_key, executed_turns
from cmat.trajectories.schema import Trajectory, final_attempt, load_record, prefix_length


def _load(record: dict[str, Any] | Trajectory) -> Trajectory:
    return record if isinstance(record, Trajectory) else load_record(record)


def _has_step_records(trajectory: Trajectory) -> bool:
    """v1 records mark the prefix with step -1; upgraded v0 records carry no per-step flags."""
    return any(t.step == -1 for t in trajectory.turns)


def sft_examples(trajectories: Iterable[dict[str, Any] | Trajectory]) -> list[dict[str, Any]]:
    """``{"id", "type", "messages": [{"role", "content", "train"}]}`` per trajectory with a target.

    ``train`` is true for the executed assistant messages after the prefix whose turn is
    trainable (approved by the checker or unchecked).
    """
    examples = []
    for record in trajectories:
        trajectory = _load(record)
        n = prefix_length(trajectory)
        flags = {step: turn.trainable for step, turn in executed_turns(trajectory).items()}
        precise = _has_step_records(trajectory)
        messages = []
        for i, message in enumerate(trajectory.conversation):
            step = (i - n) // 2
            train = message["role"] == "assistant" and i >= n and (flags.get(step, False) if precise else True)
            messages.append({"role": message["role"], "content": message["content"], "train": train})
        if any(m["train"] for m in messages):
            examples.append({"id": trajectory.id, "type": trajectory.type, "messages": messages})
    return examples


def preference_pairs(trajectories: Iterable[dict[str, Any] | Trajectory]) -> list[dict[str, Any]]:
    """``{"id", "type", "step", "prompt", "chosen", "rejected", "feedback"}`` from checker corrections.

    A pair comes from a step of a *successful* episode's final attempt where the checker rejected
    a proposal and the revised proposal was approved and executed: the rejected text is
    dispreferred to the executed one, in the same conversation state.
    """
    pairs = []
    for record in trajectories:
        trajectory = _load(record)
        if not trajectory.correct:
            continue
        attempt, n = final_attempt(trajectory), prefix_length(trajectory)
        executed = executed_turns(trajectory)
        for turn in trajectory.turns:
            if turn.role != "assistant" or turn.attempt != attempt or "revision" not in turn.meta:
                continue
            chosen = executed.get(turn.step)
            position = n + 2 * turn.step
            if chosen is None or not chosen.trainable or position >= len(trajectory.conversation):
                continue
            if trajectory.conversation[position]["content"] != chosen.content or turn.content == chosen.content:
                continue  # the record does not line up, or the revision changed nothing
            pairs.append({
                "id": trajectory.id, "type": trajectory.type, "step": turn.step,
                "prompt": [dict(m) for m in trajectory.conversation[:position]],
                "chosen": chosen.content, "rejected": turn.content,
                "feedback": (turn.verdict or {}).get("feedback", ""),
            })
    return pairs


def outcome_pairs(
    failures: Iterable[dict[str, Any] | Trajectory], successes: Iterable[dict[str, Any] | Trajectory]
) -> list[dict[str, Any]]:
    """Preference pairs by outcome, from the same state: a failed episode vs a verified success of its task.

    The two conversations agree up to an assistant message and differ there; the success's message
    (a training target of it, see :func:`sft_examples`) is preferred to what the failed episode did in
    the same state. One pair per failed episode: with the first success of its task (a gold replay or
    another sample) that shares a state with it. Same keys as :func:`preference_pairs`.
    """
    # An infrastructure error says nothing about the action.
    losers = [t for t in map(_load, failures) if not t.correct and t.outcome != "error"]
    if not losers:  # e.g. round 0, all gold: no success needs turning into examples
        return []
    ids = {t.id for t in losers}
    winners: dict[str, list[dict[str, Any]]] = {}
    for example in sft_examples(t for t in map(_load, successes) if t.correct and t.id in ids):
        winners.setdefault(example["id"], []).append(example)
    pairs = []
    for lost in losers:
        for won in winners.get(lost.id, []):
            pair = _divergence(lost, won)
            if pair is not None:
                pairs.append(pair)
                break
    return pairs


def _divergence(lost: Trajectory, won: dict[str, Any]) -> dict[str, Any] | None:
    """The pair at the first message where ``lost`` and the example ``won`` part, if both are replies there.

    Two replies that take the same action in other words (another reasoning line) do not part:
    the observations that follow decide."""
    for i, (a, b) in enumerate(zip(lost.conversation, won["messages"], strict=False)):
        if (a["role"], a["content"]) == (b["role"], b["content"]):
            continue
        same_action = a["role"] == b["role"] == "assistant" and \
            action_key(lost.env, a["content"]) == action_key(lost.env, b["content"])
        if same_action:
            continue
        if a["role"] != "assistant" or not b["train"]:
            return None  # they part at the context (another prompt or observation) or at a non-target
        n = prefix_length(lost)
        return {
            "id": lost.id, "type": lost.type, "step": (i - n) // 2,
            "prompt": [{"role": m["role"], "content": m["content"]} for m in lost.conversation[:i]],
            "chosen": b["content"], "rejected": a["content"], "feedback": f"environment: {lost.outcome}",
        }
    return None
