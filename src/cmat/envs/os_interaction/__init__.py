"""AgentBench's OS-interaction environment, each episode in an isolated throw-away Linux root."""

from cmat.envs.os_interaction.data import default_dev_path, default_train_path, load_os
from cmat.envs.os_interaction.env import MAX_ROUNDS, OSEnv, gold_replies, prompt_of
from cmat.envs.os_interaction.protocol import extract_action, observation, task_prompt

__all__ = [
    "MAX_ROUNDS", "OSEnv", "default_dev_path", "default_train_path", "extract_action", "gold_replies",
    "load_os", "observation", "prompt_of", "task_prompt",
]
