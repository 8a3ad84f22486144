"""Training examples from curated trajectories: chat examples for SFT and preference pairs for DPO.

Only what the environment executed is learned: in the final attempt's conversation (AgentBench's
history) the instructions, the scripted "Ok." and the task are context, every later assistant
message the environment executed is a target (unless the record marks it untrainable).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cmat.tasks.curate import executed_turns
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
