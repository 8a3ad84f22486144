"""AgentBench's OS protocol: action extraction, observations, the opening conversation."""

from __future__ import annotations

import pytest

from cmat.envs.os_interaction.protocol import (
    EMPTY_OUTPUT,
    extract_action,
    initial_messages,
    observation,
    task_prompt,
)


@pytest.mark.parametrize(
    ("reply", "kind", "content"),
    [
        ("Think: look.\n\nAct: bash\n\n```bash\nls /etc\n```", "bash", "ls /etc"),
        ("Act: bash\n```bash\nls\n```\ntext\n```bash\npwd\n```", "bash", "ls\n\npwd"),
        ("Think: x\n\nAct: bash", "bash", ""),
        ("Think: done.\n\nAct: answer(220)", "answer", "220"),
        ("Act: answer( a (b) c )", "answer", " a (b) c "),
        ("Act: Answer(yes)", "answer", "yes"),
        ("Act: finish", "finish", ""),
        ("Act: answer no parentheses", "invalid", ""),
        ("Act: answer(1)\nAct: bash\n```bash\nls\n```", "bash", "ls"),
        ("Act: bash\n```bash\nls\n```\nAct: answer(3)", "answer", "3"),
        ("Act: answer(x\nAct: answer(2)", "answer", "2"),
        ("I think the answer is 3.", "invalid", ""),
        ("Act: run(ls)", "invalid", ""),
        ("Act: answer(6\n)", "invalid", ""),
    ],
)
def test_extract_action(reply: str, kind: str, content: str) -> None:
    action = extract_action(reply)
    assert (action.kind, action.content) == (kind, content)


def test_observation_truncates_like_agentbench() -> None:
    assert observation("x" * 800) == "The output of the OS:\n\n" + "x" * 800
    long = observation("y" * 801)
    assert long == "The output of the OS:\n\n" + "y" * 780 + "\n[truncated because the output is too long]"


def test_observation_empty() -> None:
    assert observation("") == EMPTY_OUTPUT == "The output of the OS is empty."
    assert observation("\n") == "The output of the OS:\n\n\n"


def test_initial_messages_one_shot() -> None:
    messages = initial_messages("Count the files in /etc.")
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant", "user", "assistant", "user"]
    first = messages[0].content
    assert first.startswith("You are an assistant that will act like a person")
    assert first.endswith('Now, my problem is:\n\ntell me how many files are in the directory "/etc"?')
    assert messages[-2].content.endswith("Act: answer(220)")
    assert messages[-1].content == task_prompt("Count the files in /etc.")
    expected = "Now, I will start a new problem in a new OS. My problem is:\n\nCount the files in /etc."
    assert messages[-1].content == expected
