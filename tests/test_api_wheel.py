"""The package as a user installs it: a wheel built from the project and installed into a fresh
virtual environment finds its layouts and default font roles inside the package and builds the
sample from another folder, byte for byte as the working tree does; `python -m publish` runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from build_support import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1737331200"

pytestmark = pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _source_copy(dest: Path) -> Path:
    """The project's files as a fresh checkout has them (links kept as links)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in files.decode().split("\0"):
        if not name or not os.path.lexists(ROOT / name):
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_symlink():
            target.symlink_to(os.readlink(ROOT / name))
        elif (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the project's git checkout to list its files")
    work = tmp_path_factory.mktemp("wheel")
    src = _source_copy(work / "src")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "dist", src, cwd=work)
    (wheel,) = (work / "dist").glob("publish-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=work)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=work)
    return venv


def test_the_wheel_carries_the_layouts_the_font_roles_and_py_typed(installed):
    (wheel,) = (installed.parent / "dist").glob("publish-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"publish/data/layouts/{p.name}" for p in (ROOT / "layouts").glob("*.toml")}
    assert shipped and shipped <= names
    assert {"publish/data/fonts/default.toml", "publish/py.typed"} <= names


def test_the_installed_package_builds_the_sample_from_another_folder(installed, tmp_path):
    elsewhere = tmp_path / "desk"
    shutil.copytree(SAMPLE, elsewhere / "issue")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("PYTHONPATH", None)
    _run(installed / "bin" / "publish", "build", "issue", "-o", "out", "-q", cwd=elsewhere, env=env)
    import publish

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        here = publish.render(SAMPLE, screen=False)  # (the screen PDF names pictures by their path)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    out = elsewhere / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{here.name}{s}" for s in (".pdf", "-screen.pdf", ".epub"))
    assert (out / f"{here.name}.pdf").read_bytes() == here.pdf
    assert (out / f"{here.name}.epub").read_bytes() == here.epub


def test_the_installed_package_is_not_the_working_tree(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    found = _run(installed / "bin" / "python", "-c", "import publish; print(publish.__file__)", cwd=tmp_path, env=env)
    assert str(installed) in found.stdout and str(ROOT) not in found.stdout
    version = _run(installed / "bin" / "python", "-m", "publish", "--version", cwd=tmp_path, env=env)
    assert "0.1.0" in version.stdout
