"""The DB task generator: realistic DBBench tasks with verified gold answers.

``generate_tasks(n, seed)`` returns entries in AgentBench's DBBench format (every type: lookups,
counting, comparison, ranking, SUM/MIN/MAX/AVG, INSERT, UPDATE, DELETE); ``write_jsonl`` saves
them for ``cmat eval --data``. See docs/design/task-generation.md.
"""

from cmat.tasks.dbgen.generate import ALL_TYPES, DEFAULT_WEIGHTS, SOURCE, generate_tasks, write_jsonl

__all__ = ["ALL_TYPES", "DEFAULT_WEIGHTS", "SOURCE", "generate_tasks", "write_jsonl"]
