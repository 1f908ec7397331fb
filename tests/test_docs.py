"""The README stays true: every CLI command documented, the API example runs, the set-up lines are two."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from textversions.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_first_block_holds_the_two_setup_lines():
    first = _blocks("bash")[0]
    lines = [line for line in first.splitlines() if line.strip() and not line.startswith("#")]
    assert len(lines) == 2
    assert "textversions find" in lines[0] and "pytest" in lines[1]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert lines[1] in ci


def test_every_command_and_option_is_documented():
    for name, command in main.commands.items():
        assert f"textversions {name}" in README, name
        for parameter in command.params:
            for flag in parameter.opts:
                if flag.startswith("--") and flag not in ("--help",):
                    stem = flag[2:].replace("-", "_")
                    assert flag in README or stem in README, f"{name} {flag} is not in the README"


def test_help_runs_for_every_command():
    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Example" in result.output


def test_python_examples_run():
    examples = _blocks("python")
    assert len(examples) >= 2  # the API, and collating a story's versions
    for example in examples:
        exec(compile(example, "README.md", "exec"), {})
