"""AgentBench's reply parsing, reproduced regex for regex."""

from __future__ import annotations

from cmat.envs.base import Task
from cmat.envs.dbbench.env import gold_replies, instructions, parse_reply, task_prompt


def test_operation_takes_first_sql_block_on_one_line() -> None:
    reply = "I will look.\nAction: Operation\n```sql\nSELECT *\nFROM t;\n```\n```sql\nDROP TABLE t;\n```"
    action = parse_reply(reply)
    assert action.kind == "operation"
    assert action.content == "SELECT * FROM t;"


def test_operation_without_sql_block_is_invalid_format() -> None:
    assert parse_reply("Action: Operation\nSELECT 1").kind == "invalid_format"
    assert parse_reply("Action: Operation\n```SQL\nSELECT 1\n```").kind == "invalid_format"


def test_answer_needs_newline_before_final_answer() -> None:
    assert parse_reply('Action: Answer\nFinal Answer: ["x"]').content == ' ["x"]'
    assert parse_reply('Final Answer: ["x"]').kind == "invalid_action"
    assert parse_reply("Action: Operation").kind == "invalid_action"  # no newline after the action


def test_prompts_are_agentbench_text() -> None:
    text = instructions()
    assert "I will ask you a question, then you should help me operate a MySQL database" in text
    assert 'Final Answer: ["ANSWER1", "ANSWER2", ...]' in text
    entry = {"description": "Q?", "add_description": "The name of this table is t."}
    assert task_prompt(entry) == "Q?\nThe name of this table is t."


def test_gold_replies_are_parseable_actions() -> None:
    task = Task("0", "dbbench", "other", {"sql": {"query": "SELECT a\nFROM t"}, "label": ["x"]})
    replies = gold_replies(task)
    assert [parse_reply(r).kind for r in replies] == ["operation", "answer"]
    assert parse_reply(replies[0]).content == "SELECT a FROM t"
