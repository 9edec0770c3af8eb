"""The README's two-tier section: its ``units`` commands, run as written on an empty database, print what the
README says they print (the lines it quotes, in its ``# …`` comments)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _block() -> list[tuple[list[str], list[str]]]:
    """(arguments after ``$F``, the output lines the README quotes) for each ``units`` command of the section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Two tiers of local government") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    out: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$F "):
            command = re.sub(r"\[[^]]*\]", "", line[3:].split("#", 1)[0])  # optional parts left out
            out.append((shlex.split(command), []))
        elif line.startswith("# ") and out and not line.startswith(("# …", "#   ")):
            out[-1][1].append(line[2:].split("  (")[0].rstrip())
    return [(args, quoted) for args, quoted in out if args[0] == "units"]


def test_the_readme_units_commands_print_what_it_quotes(app, runner):
    commands = _block()
    assert [args[:2] for args in (a for a, _ in commands)] == [["units", "load"], ["units", "load"],
                                                                ["units", "crosswalk"]]  # fmt: skip
    for args, quoted in commands:
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
        printed = result.output.splitlines()
        assert quoted and all(line in printed for line in quoted), (args, quoted, printed[:3])
