"""One episode of the CMAT loop, as a generator.

The episode yields a :class:`Request` each time a model must speak (the Assistant, the
Checker's LLM, the reflector) and receives the :class:`Completion`; the orchestrator batches
the requests of many episodes into one generate call. With ``AgentSetup()`` defaults this is
exactly AgentBench's loop; each CMAT mechanism is switched on separately:

* Checker: every proposal is checked *before* the environment executes it; on reject the
  Assistant revises (at most ``revisions`` times) from the Checker's feedback. After the last
  revision the final proposal is executed anyway and the rejection is recorded. With
  ``repair`` on, a rejection whose Checker wrote the corrected reply itself (a name repair,
  ``Verdict.revision``) executes that correction, checked again, instead of asking. A
  revision is the Assistant's own greedy reply by default; with ``revision_temperature`` it is
  sampled (role ``revision``, seeded per task, step and revision), so a rejected reply is not
  simply proposed again. A greedy revision that repeats the rejected reply ends the revisions:
  its next request would be the same, and so would its answer.
* Short-term memory: the context is fitted to ``context_budget`` tokens (oldest turns folded
  away); an episode that cannot fit ends as ``context_limit``.
* Long-term memory: the top-k lessons/experiences relevant to the task join the task message.
* Reflection: after a failed attempt (by a gold-free trigger in eval mode) a lesson is written,
  stored in long-term memory (and retrieved from there), and the task is retried. Without
  long-term memory the lesson is carried straight into the retry's context (Reflexion).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Generator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from cmat.agents.checker_base import task_prompt
from cmat.agents.setup import AgentSetup
from cmat.agents.templates import render
from cmat.envs.base import Env, Evaluation, Task
from cmat.runner.turns import Recorder
from cmat.trajectories.schema import Attempt, Trajectory
from cmat.types import Completion, Conversation, Message, Outcome


@dataclass
class Request:
    """A conversation for a model; ``role`` picks the backend and generation settings.

    ``seed``, when set, is this request's own sampling seed, mixed into the role's seed when
    the role samples (:meth:`cmat.runner.batching.Roles.route`), so that two sampled requests
    with the same conversation still draw differently, reproducibly.
    """

    conversation: Conversation
    role: str = "assistant"
    seed: int | None = None


EpisodeGen = Generator[Request, Completion, Trajectory]
_TERMINAL = {"context_limit": Outcome.CONTEXT_LIMIT, "error": Outcome.ERROR}
# Checker repairs per step (each is checked again; a repair that keeps being rejected stops here).
MAX_REPAIRS = 2


def _as(role: str, gen: Generator[Conversation, Completion, Any]) -> Generator[Request, Completion, Any]:
    """Tag every conversation a sub-generator (checker, reflector) yields with ``role``."""
    try:
        conversation = next(gen)
        while True:
            conversation = gen.send((yield Request(conversation, role)))
    except StopIteration as stop:
        return stop.value


@dataclass
class _AttemptResult:
    evaluation: Evaluation
    conversation: list[Message]
    last_observation: str = ""
    rejected: bool = False
    feedback: str = ""
    retrieved: list[str] = field(default_factory=list)
    question: str = ""  # the task message as the environment wrote it, without memories


def run_episode(env: Env, task: Task, agent: AgentSetup | None = None) -> EpisodeGen:
    """Run all attempts at ``task``; returns the :class:`Trajectory`."""
    agent = agent or AgentSetup()
    rec = Recorder()
    start = time.perf_counter()
    attempts: list[Attempt] = []
    result: _AttemptResult | None = None
    carried: list[Any] = []  # lessons handed to the next attempt when there is no long-term memory
    try:
        for index in range(agent.attempts):
            result = yield from _attempt(env, task, agent, rec, index, carried)
            ev = result.evaluation
            attempts.append(
                Attempt(index, ev.outcome.value, ev.correct, ev.answer, int(ev.details.get("rounds", 0)),
                        retrieved=result.retrieved)
            )
            if index == agent.attempts - 1 or agent.reflector is None:
                break
            trigger = _trigger(agent, result)
            if trigger is None:
                break
            lesson, entry = yield from _reflect(env, task, agent, rec, result, trigger, index)
            attempts[-1].trigger, attempts[-1].lesson = trigger, lesson
            if agent.memory is None and entry is not None:
                carried.append(entry)
    finally:
        env.close()
    assert result is not None
    record = _trajectory(task, agent, rec, attempts, result, time.perf_counter() - start)
    if agent.mode == "train" and agent.memory is not None and record.correct:
        from cmat.runner.experiences import experiences_from

        agent.memory.add_many(experiences_from([record.to_dict()], source=agent.run_id))
    return record


def _fit(messages: list[Message], keep: int, agent: AgentSetup) -> tuple[list[Message], bool]:
    if agent.context_budget is None:
        return list(messages), True
    from cmat.memory.short_term import fit_to_budget

    fit = fit_to_budget(list(messages), agent.context_budget, agent.count_tokens, keep_first=keep)
    return fit.messages, fit.fits


def _attempt(
    env: Env, task: Task, agent: AgentSetup, rec: Recorder, index: int, carried: list[Any]
) -> Generator[Request, Completion, _AttemptResult]:
    t = time.perf_counter()
    messages = env.reset(task)
    rec.env_s += time.perf_counter() - t
    keep = len(messages)
    question = task_prompt(messages)
    retrieved = _inject_memories(env, task, agent, rec, messages, index, carried)
    rec.prefix(messages, index)
    result = _AttemptResult(Evaluation(Outcome.ERROR, "", False), messages, retrieved=retrieved, question=question)
    step = 0
    while True:
        context, fits = _fit(messages, keep, agent)
        if not fits:
            env.interrupt(Outcome.CONTEXT_LIMIT, "the conversation does not fit the context budget")
            break
        completion = yield Request(context)
        rec.count(completion)
        if completion.finish_reason in _TERMINAL:
            env.interrupt(_TERMINAL[completion.finish_reason], completion.error or completion.finish_reason)
            break
        reply, verdict = yield from _revise(env, task, agent, rec, context, question, completion.text, (index, step))
        result.rejected = verdict is not None and not verdict.approve
        result.feedback = verdict.feedback if verdict is not None else ""
        messages.append(Message("assistant", reply))
        t = time.perf_counter()
        outcome = env.step(reply)
        rec.env_s += time.perf_counter() - t
        rec.add("assistant", reply, index, step, trainable=verdict is None or verdict.approve,
                verdict=asdict(verdict) if verdict else None)
        if outcome.done:
            break
        result.last_observation = outcome.observation or ""
        rec.add("environment", result.last_observation, index, step)
        messages.append(Message("user", result.last_observation))
        step += 1
    t = time.perf_counter()
    result.evaluation = env.evaluate()
    rec.env_s += time.perf_counter() - t
    return result


def _revise(
    env: Env, task: Task, agent: AgentSetup, rec: Recorder, context: Sequence[Message], question: str, reply: str,
    where: tuple[int, int],
) -> Generator[Request, Completion, tuple[str, Any]]:
    """Check ``reply``; on reject ask the Assistant to revise, at most ``agent.revisions`` times.

    The Checker reads ``question``, the task message without the memories put before it: a
    worked example's values and tables are not the task's."""
    if agent.checker is None:
        return reply, None
    from cmat.agents.checker_base import CheckContext

    schema: dict[str, list[str]] = getattr(env, "schema", dict)()
    dry_run, peek = getattr(env, "dry_run", None), getattr(env, "peek", None)
    revision = repairs = 0
    while True:
        ctx = CheckContext(task, question, list(context), reply, env.parse(reply), env.name,
                           schema, dry_run, peek)
        verdict = yield from _as("checker", agent.checker.check(ctx))
        if verdict.approve:
            return reply, verdict
        rejected = asdict(verdict)
        if agent.repair and verdict.revision and repairs < MAX_REPAIRS:
            # The Checker corrects the reply itself; the correction is checked like any proposal
            # and does not use up one of the Assistant's revisions.
            repairs += 1
            rec.add("assistant", reply, *where, trainable=False, verdict=rejected,
                    meta={"revision": revision, "repair": repairs})
            rec.add("checker", verdict.feedback, *where, verdict=rejected, meta={"repaired": True})
            reply = verdict.revision
            continue
        if revision == agent.revisions:
            return reply, verdict
        rec.add("assistant", reply, *where, trainable=False, verdict=rejected, meta={"revision": revision})
        rec.add("checker", verdict.feedback, *where, verdict=rejected)
        request = [*context, Message("assistant", reply),
                   Message("user", render("revision_request", feedback=verdict.feedback))]
        sampled = agent.revision_temperature > 0
        seed = zlib.crc32(f"{task.id}|{where[0]}|{where[1]}|{revision}".encode()) if sampled else None
        completion = yield Request(request, "revision" if sampled else "assistant", seed)
        rec.count(completion)
        if completion.finish_reason in _TERMINAL:
            return reply, verdict
        if not sampled and completion.text == reply:
            # Greedy: the same reply gets the same verdict, the same request and the same reply.
            return reply, verdict
        reply = completion.text
        revision += 1


def _inject_memories(
    env: Env, task: Task, agent: AgentSetup, rec: Recorder, messages: list[Message], index: int, carried: list[Any]
) -> list[str]:
    """Put retrieved memories (and lessons carried from earlier attempts) before the task message.

    Entries of the task's own type come first (:func:`cmat.runner.notes.retrieve`). The block
    goes before the question, so the question and its table stay next to the reply: a small
    model otherwise continues the last worked example instead of the task.
    """
    if agent.memory is None and not carried:
        return []
    from cmat.memory.long_term import eval_scope
    from cmat.memory.short_term import render_memories
    from cmat.runner.notes import noted, retrieve

    prompt = messages[-1].content
    entries = list(reversed(carried))  # the newest lesson first
    if agent.memory is not None:
        scopes = ("global", eval_scope(agent.run_id, task.id)) if agent.mode == "eval" else ("global",)
        entries += retrieve(agent.memory, prompt, agent.memory_k, env=env.name, task_type=task.type, scopes=scopes)
    if not entries:
        return []
    block = render_memories(entries, agent.memory_budget, lambda text: agent.count_tokens([Message("user", text)]))
    messages[-1] = Message("user", noted(block, prompt))
    ids = [str(e.id) for e in entries]
    rec.add("memory", block, index, 0, meta={"ids": ids})
    return ids if agent.memory is not None else []


def _trigger(agent: AgentSetup, result: _AttemptResult) -> str | None:
    from cmat.reflection import failure_trigger

    ev = result.evaluation
    correct = ev.correct if agent.mode == "train" else None  # eval: the gold answer never triggers
    return failure_trigger(ev.outcome.value, result.last_observation, result.rejected, agent.mode, correct)


def _reflect(
    env: Env, task: Task, agent: AgentSetup, rec: Recorder, result: _AttemptResult, trigger: str, index: int
) -> Generator[Request, Completion, tuple[str, Any]]:
    """Write a lesson about the failed attempt; store it in long-term memory when there is one."""
    from cmat.memory.long_term import MemoryEntry, eval_scope

    prompt = result.question
    lesson: str = yield from _as(
        "reflection",
        agent.reflector.reflect(
            prompt, result.conversation, result.evaluation.outcome.value, trigger, result.feedback
        ),
    )
    rec.add("reflection", lesson, index, 0, meta={"trigger": trigger})
    if not lesson:
        return lesson, None
    scope = eval_scope(agent.run_id, task.id) if agent.mode == "eval" else "global"
    entry = MemoryEntry(
        kind="lesson", env=env.name, task_type=task.type, task_text=prompt, content=lesson,
        outcome=result.evaluation.outcome.value, scope=scope, source_task=task.id,
    )
    if agent.memory is not None:
        agent.memory.add(entry)
    return lesson, entry


def _trajectory(
    task: Task, agent: AgentSetup, rec: Recorder, attempts: list[Attempt], last: _AttemptResult, wall: float
) -> Trajectory:
    ev = last.evaluation
    details = {k: v for k, v in ev.details.items() if k != "rounds"}
    if agent.reflection:
        mode = "gold-free (eval)" if agent.mode == "eval" else "environment verdict (train)"
        details["reflection_trigger_mode"] = mode
    return Trajectory(
        id=task.id, type=task.type, env=task.env, outcome=ev.outcome.value, correct=ev.correct, answer=ev.answer,
        conversation=[m.to_dict() for m in last.conversation], turns=rec.turns, attempts=attempts,
        first_attempt_correct=attempts[0].correct, reward=1.0 if ev.correct else 0.0, model=agent.model,
        rounds=int(ev.details.get("rounds", 0)), prompt_tokens=rec.tokens[0], completion_tokens=rec.tokens[1],
        timings={"wall_s": round(wall, 4), "env_s": round(rec.env_s, 4)}, details=details,
    )


def error_record(task: Task, message: str, wall_s: float) -> Trajectory:
    """The record of an episode that our own code or infrastructure could not finish."""
    return Trajectory(
        id=task.id, type=task.type, env=task.env, outcome=Outcome.ERROR.value, correct=False, answer="",
        conversation=[], timings={"wall_s": round(wall_s, 4)}, details={"error": message},
    )
