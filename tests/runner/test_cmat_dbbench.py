"""Each CMAT mechanism doing its job on a real DBBench development task, with a scripted model.

Task 3 asks how many floors "Capitol Square" has in table `skyscrapers_in_Columbus`.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from cmat.agents.checker_base import CheckContext, Verdict
from cmat.agents.checkers import make_checker
from cmat.agents.setup import AgentSetup
from cmat.envs.dbbench.data import default_dev_path, load_dbbench
from cmat.envs.dbbench.env import DBBenchEnv
from cmat.llm.mock import MockLLM, Rule
from cmat.memory.embeddings import HashingEmbedder
from cmat.memory.long_term import LongTermMemory, MemoryEntry, eval_scope
from cmat.reflection import Reflector
from cmat.runner.orchestrator import Roles, run_many
from cmat.tasks import preference_pairs
from cmat.tasks.curate import task_text
from cmat.trajectories.schema import Trajectory
from cmat.types import GenerationConfig

WRONG = "Action: Operation\n```sql\nSELECT Storeys FROM skyscrapers_in_Columbus WHERE Name = 'Capitol Square'\n```"
RIGHT = "Action: Operation\n```sql\nSELECT Floors FROM skyscrapers_in_Columbus WHERE Name = 'Capitol Square'\n```"
ANSWER = 'Action: Answer\nFinal Answer: ["26"]'


@pytest.fixture(scope="module")
def tasks() -> list:
    return load_dbbench(default_dev_path())


def _run(tasks: list, ids: list[str], llm: MockLLM, agent: AgentSetup) -> list[Trajectory]:
    out: list[Trajectory] = []
    chosen = [t for t in tasks if t.id in ids]
    run_many(chosen, DBBenchEnv, Roles.single(llm, GenerationConfig()), out.append, 4, lambda task: agent)
    return sorted(out, key=lambda r: int(r.id))


def test_rule_checker_rejects_missing_column_and_revision_succeeds(tasks: list) -> None:
    llm = MockLLM(
        rules=[
            Rule(re.compile(r"\[\('26',\)\]"), ANSWER),
            Rule(re.compile("Storeys"), RIGHT),  # the Checker's feedback names the bad column
            Rule(re.compile("capitol square"), WRONG),
        ]
    )
    agent = AgentSetup(checker=make_checker("rule", env="dbbench"), revisions=2)
    [record] = _run(tasks, ["3"], llm, agent)
    assert record.correct and record.outcome == "completed"
    checker_turns = [t for t in record.turns if t.role == "checker"]
    assert len(checker_turns) == 1
    assert "Storeys" in checker_turns[0].content and "Floors" in checker_turns[0].content
    executed = [m["content"] for m in record.conversation if m["role"] == "assistant"]
    assert WRONG not in executed and RIGHT in executed  # the bad SQL never reached the database


BAD_TABLE = "Action: Operation\n```sql\nSELECT Floors FROM skyscrapers WHERE Name = 'Capitol Square'\n```"


@pytest.mark.parametrize("repair", [True, False])
def test_with_repair_the_checker_fixes_a_bad_table_name_itself(tasks: list, repair: bool) -> None:
    llm = MockLLM(rules=[Rule(re.compile(r"\[\('26',\)\]"), ANSWER)], default=BAD_TABLE)
    agent = AgentSetup(checker=make_checker("rule", env="dbbench"), revisions=2, repair=repair)
    [record] = _run(tasks, ["3"], llm, agent)
    executed = [m["content"] for m in record.conversation if m["role"] == "assistant"]
    asked = [m for call in llm.calls for m in call if "Checker rejected your last reply" in m.content]
    if not repair:  # the Assistant is asked, repeats itself, and the bad SQL finally runs
        assert not record.correct and BAD_TABLE in executed and asked
        return
    assert record.correct and BAD_TABLE not in executed and not asked
    repaired = BAD_TABLE.replace("FROM skyscrapers", "FROM `skyscrapers_in_Columbus`")
    assert repaired in executed
    [original] = [t for t in record.turns if t.meta.get("repair")]
    assert original.content == BAD_TABLE and not original.trainable
    assert original.verdict and original.verdict["details"]["rule"] == "unknown_table"
    [pair] = preference_pairs([record.to_dict()])  # the original is the dispreferred action
    assert (pair["rejected"], pair["chosen"]) == (BAD_TABLE, repaired)


def test_without_checker_the_bad_sql_runs_and_fails(tasks: list) -> None:
    llm = MockLLM(rules=[Rule(re.compile("Unknown column"), 'Action: Answer\nFinal Answer: ["0"]')], default=WRONG)
    [record] = _run(tasks, ["3"], llm, AgentSetup())
    assert not record.correct
    assert "1054 (42S22): Unknown column 'Storeys'" in record.conversation[4]["content"]


def test_lesson_written_after_failure_is_retrieved_on_retry(tasks: list, tmp_path: Path) -> None:
    memory = LongTermMemory(tmp_path / "memory.sqlite", embedder=HashingEmbedder())
    lesson = "Use the column Floors, not Storeys, in skyscrapers_in_Columbus."
    llm = MockLLM(
        rules=[
            Rule(re.compile("Write the lesson"), lesson),
            Rule(re.compile(r"\[\('26',\)\]"), ANSWER),
            Rule(re.compile("Unknown column"), "I give up."),  # invalid action -> a gold-free trigger
            Rule(re.compile("Lessons|lesson|Floors, not Storeys"), RIGHT),
            Rule(re.compile("capitol square"), WRONG),
        ]
    )
    agent = AgentSetup(memory=memory, reflection=1, reflector=Reflector(), run_id="r1")
    [record] = _run(tasks, ["3"], llm, agent)
    assert [a.outcome for a in record.attempts] == ["invalid_action", "completed"]
    assert record.attempts[0].trigger == "invalid_action" and record.attempts[0].lesson == lesson
    assert not record.first_attempt_correct and record.correct
    assert record.attempts[1].retrieved  # the retry saw the stored lesson
    task_message = record.conversation[2]["content"]
    assert lesson in task_message
    stored = memory.list()
    assert [e.scope for e in stored] == [eval_scope("r1", "3")]
    memory.close()


def test_entry_from_one_eval_task_is_invisible_to_another(tasks: list, tmp_path: Path) -> None:
    memory = LongTermMemory(tmp_path / "memory.sqlite", embedder=HashingEmbedder())
    secret = "The answer for the skyscrapers table is 26 floors."
    memory.add(MemoryEntry(kind="lesson", env="dbbench", task_type="other", task_text="floors", content=secret,
                           outcome="invalid_action", scope=eval_scope("r1", "3"), source_task="3"))
    llm = MockLLM(default=ANSWER)
    agent = AgentSetup(memory=memory, run_id="r1")
    records = _run(tasks, ["3", "4"], llm, agent)
    seen = {r.id: r.conversation[2]["content"] for r in records}
    assert secret in seen["3"]  # the same task (a retry) may see its own lesson
    assert secret not in seen["4"]  # another evaluation task never does
    memory.close()


class _Spy:
    """A Checker that approves everything and keeps the task text it was given."""

    name = "spy"

    def __init__(self) -> None:
        self.questions: list[str] = []

    def check(self, ctx: CheckContext) -> Generator[Any, Any, Verdict]:
        self.questions.append(ctx.task_prompt)
        return Verdict(True, checker=self.name)
        yield  # a generator, as the contract asks


def test_memories_of_the_same_type_go_before_the_question_which_the_checker_reads_alone(
    tasks: list, tmp_path: Path
) -> None:
    memory = LongTermMemory(tmp_path / "memory.sqlite", embedder=HashingEmbedder())
    floors = "skyscrapers_in_Columbus Capitol Square floors"
    for i, kind in enumerate(["UPDATE", "UPDATE", "other", "UPDATE"]):
        memory.add(MemoryEntry(kind="experience", env="dbbench", task_type=kind, task_text=f"{floors} {i}",
                               content=f"{kind} worked example {i}", outcome="completed", scope="global"))
    spy = _Spy()
    llm = MockLLM(rules=[Rule(re.compile(r"\[\('26',\)\]"), ANSWER)], default=RIGHT)
    agent = AgentSetup(checker=spy, memory=memory, memory_k=2, run_id="r1")
    [record] = _run(tasks, ["3"], llm, agent)
    message = record.conversation[2]["content"]
    question = spy.questions[0]  # the task message as the environment wrote it
    assert question.startswith(tasks[3].data["description"]) and "worked example" not in question
    assert set(spy.questions) == {question}
    assert record.correct and message.startswith("Notes from earlier") and message.endswith(question)
    notes = message[: -len(question)]
    assert notes.index("other worked example 2") < notes.index("UPDATE worked example")  # its type first
    assert notes.count("worked example") == 2  # the other type fills the place left
    memory.close()


def test_an_experience_and_curation_keep_the_task_without_the_notes_before_it(tasks: list, tmp_path: Path) -> None:
    memory = LongTermMemory(tmp_path / "memory.sqlite", embedder=HashingEmbedder())
    memory.add(MemoryEntry(kind="experience", env="dbbench", task_type="other", task_text="capitol square floors",
                           content="worked example", outcome="completed", scope="global", id="old"))
    spy = _Spy()
    llm = MockLLM(rules=[Rule(re.compile(r"\[\('26',\)\]"), ANSWER)], default=RIGHT)
    [record] = _run(tasks, ["3"], llm, AgentSetup(checker=spy, memory=memory, mode="train", run_id="r1"))
    question = spy.questions[0]
    assert record.correct and record.conversation[2]["content"] != question  # the notes were there
    [new] = [e for e in memory.list() if e.id != "old"]  # the success became an experience
    assert new.task_text == question and "worked example" not in new.content
    assert task_text(record) == question
    [block] = [t.content for t in record.turns if t.role == "memory"]
    record.conversation[2]["content"] = f"{question}\n\n{block}"  # a record of the old layout
    assert task_text(record) == question
    memory.close()


def test_without_memory_the_lesson_is_carried_into_the_retry(tasks: list) -> None:
    lesson = "Use the column Floors, not Storeys, in skyscrapers_in_Columbus."
    llm = MockLLM(
        rules=[
            Rule(re.compile("Write the lesson"), lesson),
            Rule(re.compile(r"\[\('26',\)\]"), ANSWER),
            Rule(re.compile("Unknown column"), "I give up."),
            Rule(re.compile("Floors, not Storeys"), RIGHT),
            Rule(re.compile("capitol square"), WRONG),
        ]
    )
    [record] = _run(tasks, ["3"], llm, AgentSetup(reflection=1, reflector=Reflector()))
    assert record.correct and not record.first_attempt_correct
    assert lesson in record.conversation[2]["content"]
