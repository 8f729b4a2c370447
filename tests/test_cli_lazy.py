"""The command line registers its commands lazily, and the packages import their parts on first use.

What is specified: `publish --help` still lists every command of every stage; `COMMAND_MODULES`
names exactly the commands each module exports; running one command imports no other command's
module; a name missing from the table is still found; the lazily imported names of `publish`,
`publish.fonts` and `publish.sources` are the very objects of the modules that define them.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import click
import pytest
from click.testing import CliRunner

from publish.cli import COMMAND_MODULES, LazyCommands, main


def _exported() -> dict[str, str]:
    """name → module, from each module's own `commands` list."""
    found: dict[str, str] = {}
    for module_name in dict.fromkeys(COMMAND_MODULES.values()):
        for command in importlib.import_module(module_name).commands:
            assert command.name not in found, f"{command.name} is exported twice"
            found[command.name] = module_name
    return found


def _fresh(code: str) -> str:
    """Run `code` in a new interpreter (nothing imported yet); return its stdout."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_table_names_exactly_the_commands_each_module_exports():
    assert _exported() == COMMAND_MODULES


def test_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:", 1)[1].split()
    for name in COMMAND_MODULES:
        assert name in listed, f"`publish --help` does not list {name}"


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_every_command_resolves_to_its_modules_command_and_has_help(name):
    module = importlib.import_module(COMMAND_MODULES[name])
    ours = next(c for c in module.commands if c.name == name)
    assert main.commands[name] is ours
    assert name in main.commands
    result = CliRunner().invoke(main, [name, "--help"], prog_name="publish")
    assert result.exit_code == 0, result.output
    assert f"Usage: publish {name}" in result.output


def test_an_unknown_command_is_a_usage_error_with_a_suggestion():
    result = CliRunner().invoke(main, ["biuld"])
    assert result.exit_code == 2
    assert "No such command 'biuld'" in result.output
    assert "build" in result.output  # click's "Did you mean" sees every command


def test_running_build_imports_no_other_commands_module():
    out = _fresh("""
        import sys
        from publish.cli import COMMAND_MODULES, main
        ctx = main.make_context("publish", ["build", "--help"], resilient_parsing=True)
        assert main.get_command(ctx, "build") is not None
        print(sorted(m for m in set(COMMAND_MODULES.values()) if m in sys.modules))
    """)
    assert out.strip() == "['publish.cli.build']"


def test_help_and_version_import_neither_the_markdown_parser_nor_the_fonts():
    out = _fresh("""
        import sys
        from publish.cli import main
        for args in (["--version"], ["--help"]):
            try:
                main.main(args, prog_name="publish")
            except SystemExit as exit:
                assert exit.code == 0
        print([m for m in ("markdown_it", "publish.sources.markdown", "publish.fonts.fontset",
                           "publish.paginate", "reportlab", "ebooklib", "pypdfium2")
               if m in sys.modules])
    """)
    assert out.strip().endswith("[]"), out


def test_reading_an_issue_does_not_import_the_writer():
    out = _fresh("""
        import sys
        from publish.sources import check_sources, load_issue
        print("publish.sources.writer" in sys.modules)
    """)
    assert out.strip() == "False"


def test_lazy_names_are_the_defining_modules_objects():
    import publish
    import publish.fonts
    import publish.sources
    from publish.fonts import fontset
    from publish.model import Issue
    from publish.sources import article, issue, writer

    assert publish.Issue is Issue
    assert publish.load_issue is issue.load_issue
    assert callable(publish.build) and publish.build.__module__ == "publish.build"
    for name in publish.fonts.__all__:
        assert getattr(publish.fonts, name) is getattr(fontset, name)
    for name in ("article_to_markdown", "issue_to_toml", "write_issue"):
        assert getattr(publish.sources, name) is getattr(writer, name)
    for name in ("article_from_text", "parse_article", "read_article"):
        assert getattr(publish.sources, name) is getattr(article, name)
    assert publish.sources.check_issue is publish.sources.check_sources is issue.check_sources
    assert set(publish.sources.__all__) <= set(dir(publish.sources))
    assert {"Issue", "load_issue"} <= set(dir(publish))
    assert set(publish.__all__) <= set(dir(publish))
    for module in (publish, publish.fonts, publish.sources):
        with pytest.raises(AttributeError):
            module.no_such_name  # noqa: B018


def test_a_command_missing_from_the_table_is_still_found(tmp_path, monkeypatch):
    (tmp_path / "extra_cmds.py").write_text(textwrap.dedent("""
        import click

        @click.command("one")
        def one():
            click.echo("one ran")

        @click.command("two")
        def two():
            click.echo("two ran")

        commands = [one, two]
    """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    table = LazyCommands({"one": "extra_cmds", "gone": "no_such_stage_module"})
    group = click.Group("g", commands=table)
    result = CliRunner().invoke(group, ["two"])
    assert result.exit_code == 0, result.output
    assert result.output == "two ran\n"
    assert sorted(table) == ["one", "two"]  # a stage not written yet contributes nothing


def test_a_broken_import_inside_a_command_module_is_not_hidden(tmp_path, monkeypatch):
    (tmp_path / "broken_cmds.py").write_text("import no_such_dependency_xyz\ncommands = []\n",
                                             encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    table = LazyCommands({"x": "broken_cmds"})
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        table["x"]


def test_an_explicitly_added_command_wins_over_a_modules_command():
    table = LazyCommands(dict(COMMAND_MODULES))
    replacement = click.Command("build", callback=lambda: None)
    table["build"] = replacement
    assert table["build"] is replacement
    assert "show" in table and len(table) == len(COMMAND_MODULES)


def test_python_dash_m_publish_is_the_same_command_line():
    done = subprocess.run([sys.executable, "-m", "publish", "--help"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("Commands:", 1)[1].split()
    assert set(COMMAND_MODULES) <= set(listed)
