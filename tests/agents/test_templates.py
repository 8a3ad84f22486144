"""Strict prompt rendering: missing and unused values fail loudly."""

from __future__ import annotations

from importlib import resources

import pytest

from cmat.agents.templates import (
    TemplateError,
    clip,
    load,
    placeholders,
    render,
    render_text,
    since_task,
    transcript,
)
from cmat.types import Message


def test_render_substitutes_every_placeholder() -> None:
    text = render("rule_sql_unknown_column", name="Foo", table="`t`", columns="`A`, `B`", suggestion="")
    assert text == "Column `Foo` does not exist in `t`; its columns are: `A`, `B`."


def test_missing_and_unused_values_raise_with_names() -> None:
    with pytest.raises(TemplateError, match=r"missing values for \$suggestion"):
        render("rule_sql_unknown_column", name="Foo", table="t", columns="A")
    with pytest.raises(TemplateError, match="values without a placeholder: extra"):
        render("rule_sql_suggestion", name="A", extra=1)


def test_dollars_and_bad_placeholders() -> None:
    assert render_text("costs $$5 for $who", {"who": "you"}) == "costs $5 for you"
    with pytest.raises(TemplateError, match="malformed"):
        placeholders("costs $5")


@pytest.mark.parametrize("name", ["no_such_prompt", "../templates", ""])
def test_unknown_or_invalid_names_raise(name: str) -> None:
    with pytest.raises(TemplateError):
        load(name)


def test_every_prompt_file_is_a_valid_template() -> None:
    folder = resources.files("cmat.agents").joinpath("prompts")
    files = [f for f in folder.iterdir() if f.name.endswith(".txt")]
    assert len(files) > 20
    for file in files:
        placeholders(file.read_text("utf-8"))


def test_clip_cuts_at_a_word_boundary() -> None:
    assert clip("short", 10) == "short"
    clipped = clip("one two three four five six seven", 20)
    assert len(clipped) <= 20 and clipped.endswith(" …") and clipped.startswith("one two three")


def test_transcript_keeps_the_newest_messages() -> None:
    messages = [Message("assistant", f"step {i} " + "x" * 50) for i in range(10)]
    text = transcript(messages, labels={"assistant": "Agent"}, max_chars=200, max_message_chars=30)
    assert text.splitlines()[0].startswith("(… ")
    assert "step 9" in text and "step 0" not in text


def test_since_task_finds_the_task_message_also_when_memories_open_it() -> None:
    task = "How many floors does the Capitol Square have?"
    after = [Message("assistant", "Action: Operation"), Message("user", "[(26,)]")]
    plain = [Message("user", "instructions"), Message("assistant", "Ok."), Message("user", task), *after]
    assert since_task(plain, task) == after
    noted = [*plain[:2], Message("user", f"Notes from earlier episodes:\n- a note\n\n{task}"), *after]
    assert since_task(noted, task) == after
    assert since_task(noted, "another task") == noted  # none states it: all of them
