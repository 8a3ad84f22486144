"""Rules on shell commands: split a script into simple commands and judge each one.

Splitting uses :mod:`shlex` with punctuation characters (``;``, ``|``, ``&``, ``(``, ``)`` and
redirections become their own tokens); syntax itself is checked by ``bash -n`` elsewhere. A
simple command's program is its first word after variable assignments and wrappers such as
``sudo``, ``env``, ``nohup``, ``timeout 5``. Every rule is a small function returning a
:class:`Finding` or None.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

_SEPARATORS = {";", "&", "&&", "|", "||", "|&", "(", ")", ";;", "{", "}", "!", "then", "do", "else",
               "elif", "if", "while", "until", "fi", "done"}
_WRAPPERS = {"sudo", "env", "nohup", "nice", "time", "command", "exec", "builtin", "stdbuf", "xargs"}
_FORK_BOMB = re.compile(r"(\S+)\s*\(\)\s*\{\s*\1\s*\|\s*\1\s*&\s*\}\s*;?\s*\1")
_ENDLESS_LOOP = re.compile(r"\b(while\s+(true|:|\[\s*1\s*\]|\(\(\s*1\s*\)\))|until\s+false)\b")
_EDITORS = {"vim", "vi", "nano", "emacs", "pico", "ed", "joe", "mcedit"}
_PAGERS = {"less", "more", "most", "man", "info"}
_REMOTE = {"ssh", "telnet", "ftp", "sftp", "mysql", "psql", "sqlite3", "passwd", "visudo", "crontab"}
_REPLS = {"python", "python3", "node", "irb", "bc", "perl", "ruby", "lua", "bash", "sh", "zsh", "R"}
_DEVICE_WRITE = re.compile(r"^of=/dev/(?!null$|zero$|stdout$|stderr$)")
MAX_SLEEP = 30.0


def simple_commands(script: str) -> list[list[str]]:
    """The script's simple commands as word lists (best effort; quotes are honoured)."""
    lexer = shlex.shlex(script.replace("\n", " ; "), posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[list[str]] = [[]]
    try:
        for token in lexer:
            if token in _SEPARATORS:
                commands.append([])
            else:
                commands[-1].append(token)
    except ValueError:
        pass  # an unbalanced quote: bash -n reports it
    return [_program(c) for c in commands if _program(c)]


def _program(words: list[str]) -> list[str]:
    """Drop leading assignments and wrappers (with their options) from a simple command."""
    i = 0
    while i < len(words):
        word = words[i]
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            i += 1
        elif word in _WRAPPERS:
            i += 1
            while i < len(words) and (words[i].startswith("-") or re.match(r"^\d+(\.\d+)?[smhd]?$", words[i])):
                i += 1
        elif word == "timeout":
            return []  # bounded by construction
        else:
            break
    return [w.split("/")[-1] if k == 0 else w for k, w in enumerate(words[i:])]


def _rm(words: list[str], text: str) -> Finding | None:
    flags = "".join(w[1:] for w in words[1:] if w.startswith("-") and not w.startswith("--"))
    targets = [w for w in words[1:] if not w.startswith("-")]
    recursive = "r" in flags.lower() or "--recursive" in words
    root = [t for t in targets if t in ("/", "/*", "/.", "~", "~/", "/root", "/usr", "/etc", "/bin", "/lib")]
    if recursive and (root or "--no-preserve-root" in words):
        return _destructive(text, "it deletes the whole file system or a system directory")
    return None


def _destructive(command: str, reason: str) -> Finding:
    return Finding("destructive", render("rule_shell_destructive", command=command, reason=reason), {})


def _interactive(program: str, hint: str) -> Finding:
    return Finding("interactive", render("rule_shell_interactive", program=program, hint=hint),
                   {"program": program})


def _endless(command: str, hint: str) -> Finding:
    return Finding("endless", render("rule_shell_endless", command=command, hint=hint), {})


def judge_command(words: list[str]) -> Finding | None:
    """The first rule a simple command breaks, or None."""
    name, args, text = words[0], words[1:], " ".join(words)
    if name == "rm":
        return _rm(words, text)
    if name.startswith("mkfs") or name in ("fdisk", "sfdisk", "parted", "wipefs", "shred"):
        return _destructive(text, "it erases a disk or a file system")
    if name in ("shutdown", "reboot", "halt", "poweroff") or (name == "init" and args[:1] in (["0"], ["6"])):
        return _destructive(text, "it stops the machine")
    if name == "dd" and any(_DEVICE_WRITE.match(a) for a in args):
        return _destructive(text, "it overwrites a device")
    if name in ("chmod", "chown") and "-R" in args and "/" in args:
        return _destructive(text, "it changes every file of the system")
    return _hanging(name, args, text)


def _hanging(name: str, args: list[str], text: str) -> Finding | None:
    if name in _EDITORS:
        return _interactive(name, "Write files with echo, printf or cat <<'EOF' ... EOF, or edit them with sed -i.")
    if name in _PAGERS:
        return _interactive(name, "Print with cat, head, tail or grep instead.")
    if name == "top" and "-b" not in args:
        return _interactive(name, "Use top -b -n 1, or ps aux.")
    if name in ("htop", "atop"):
        return _interactive(name, "Use ps aux, or top -b -n 1.")
    if name in _REMOTE and args[:1] != ["--version"]:
        return _interactive(name, "It asks for input or a password; there is no one to type it.")
    if name in _REPLS and not args:
        return _interactive(name, f"Give {name} a script: {name} -c '...', or a here-document.")
    if name == "read":
        return _interactive("read", "There is no input to read; set the variable directly.")
    if name == "tail" and any(a in ("-f", "-F", "--follow") or a.startswith("--follow=") for a in args):
        return _endless(text, "Use tail -n N to print the last lines, or sleep a few seconds and look again.")
    if name == "watch":
        return _endless(text, "Run the command itself once (or a few times with sleep).")
    if name == "sleep" and _seconds(args) > MAX_SLEEP:
        return _endless(text, f"Commands are killed after a few seconds; sleep at most {int(MAX_SLEEP)} seconds.")
    return None


def _seconds(args: list[str]) -> float:
    total = 0.0
    for arg in args:
        if arg == "infinity":
            return float("inf")
        found = re.match(r"^(\d+(?:\.\d+)?)([smhd]?)$", arg)
        if found:
            total += float(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]
    return total


def script_rules(script: str) -> Finding | None:
    """Rules on the script as a whole (fork bombs, loops without an exit)."""
    if _FORK_BOMB.search(script):
        return _destructive(script.strip()[:80], "it is a fork bomb")
    loop = _ENDLESS_LOOP.search(script)
    if loop and not re.search(r"\b(break|exit|return)\b", script):
        return _endless(loop.group(0), "Give the loop an end (a condition, break, or a fixed count).")
    return None


COMMAND_RULES: tuple[Callable[[list[str]], Finding | None], ...] = (judge_command,)
