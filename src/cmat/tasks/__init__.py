"""Training data for CMAT: generated tasks, decontamination, curation and training examples.

* :func:`generate_tasks` / :func:`write_jsonl` — the User role: DBBench tasks on fresh, realistic tables;
* :func:`check_overlap` / :func:`assert_clean` — no training task may overlap evaluation data;
* :func:`curate` / :func:`curate_files` / :func:`data_manifest` — verified, approved, deduplicated, balanced;
* :func:`sft_examples` / :func:`preference_pairs` / :func:`outcome_pairs` — chat examples and DPO pairs
  (Checker corrections; failed vs successful episodes of a task) from trajectories;
* :func:`gold_trajectory` / :func:`gold_trajectories` — gold solutions replayed in the environment.
"""

from cmat.tasks.curate import CurationReport, curate, curate_files, data_manifest
from cmat.tasks.dbgen import ALL_TYPES, generate_tasks, write_jsonl
from cmat.tasks.decontam import OverlapReport, assert_clean, check_overlap
from cmat.tasks.examples import outcome_pairs, preference_pairs, sft_examples
from cmat.tasks.gold import gold_replies, gold_trajectories, gold_trajectory

__all__ = [
    "ALL_TYPES",
    "CurationReport",
    "OverlapReport",
    "assert_clean",
    "check_overlap",
    "curate",
    "curate_files",
    "data_manifest",
    "generate_tasks",
    "gold_replies",
    "gold_trajectories",
    "gold_trajectory",
    "outcome_pairs",
    "preference_pairs",
    "sft_examples",
    "write_jsonl",
]
