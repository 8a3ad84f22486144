"""Mixing general chat data into SFT: both formats, the ratio, and no evaluation question inside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.envs.dbbench.data import default_dev_path, load_dbbench
from cmat.errors import ConfigError, DataError
from cmat.tasks.mixing import mix_chat, read_chat


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _chat(n: int) -> list[dict[str, object]]:
    return [{"messages": [{"role": "user", "content": f"Tell me fact {i}."},
                          {"role": "assistant", "content": f"Fact {i}: water boils at 100 C at sea level."}]}
            for i in range(n)]


def test_both_formats_are_read_and_every_assistant_turn_is_a_target(tmp_path: Path) -> None:
    sharegpt = {"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Hi"},
                                  {"from": "gpt", "value": "Hello!"}]}
    examples = read_chat(_write(tmp_path / "chat.jsonl", [*_chat(1), sharegpt]))
    assert [[(m["role"], m["train"]) for m in e["messages"]] for e in examples] == [
        [("user", False), ("assistant", True)], [("system", False), ("user", False), ("assistant", True)]]
    assert {e["source"] for e in examples} == {"chat"}


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "chat.jsonl:2: not JSON"),
    ('{"text": "hello"}', "chat.jsonl:2: expected 'messages'"),
    ('{"messages": [{"role": "robot", "content": "x"}]}', "chat.jsonl:2: a turn needs role"),
])
def test_a_bad_line_is_named(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_text(json.dumps(_chat(1)[0]) + "\n" + line + "\n")
    with pytest.raises(DataError, match=message):
        read_chat(path)


def test_the_ratio_sets_the_count_and_the_seed_the_draw(tmp_path: Path) -> None:
    path = _write(tmp_path / "chat.jsonl", _chat(50))
    rows = [{"id": str(i)} for i in range(40)]
    first = mix_chat(rows, path, 0.25, seed=3)
    assert len(first) == 10 and first == mix_chat(rows, path, 0.25, seed=3) != mix_chat(rows, path, 0.25, seed=4)
    assert len(mix_chat(rows, path, 5.0)) == 50 and mix_chat(rows, path, 0.0) == []
    with pytest.raises(ConfigError, match="at least 0"):
        mix_chat(rows, path, -1.0)
    with pytest.raises(ConfigError, match="does not exist"):
        mix_chat(rows, tmp_path / "nope.jsonl", 0.1)


def test_chat_data_holding_an_evaluation_question_fails_loudly(tmp_path: Path) -> None:
    question = str(load_dbbench(default_dev_path())[7].data["description"])
    leaked = {"messages": [{"role": "user", "content": f"Q: {question.upper()}"},
                           {"role": "assistant", "content": "42"}]}
    path = _write(tmp_path / "chat.jsonl", [*_chat(3), leaked])
    with pytest.raises(DataError, match=r"chat-4 contains the question of .*dev\.jsonl #7"):
        mix_chat([{"id": "0"}] * 40, path, 1.0)

