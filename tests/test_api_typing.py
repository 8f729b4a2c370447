"""The library is typed for its users: `mypy` is clean on the package, the public API (`publish`'s
own module and the modules it exports from) passes `mypy --strict`, and a script that misuses the
API is caught — the package ships `py.typed`, so mypy reads our annotations instead of `Any`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ["publish/__init__.py", "publish/build.py", "publish/publisher.py", "publish/batch.py",
          "publish/settings.py", "publish/sources/validate.py", "publish/errors.py", "publish/model.py"]

pytestmark = pytest.mark.skipif(shutil.which("mypy", path=str(Path(sys.executable).parent)) is None,
                                reason="mypy is a dev dependency (pip install -e '.[dev]')")

GOOD = '''
from pathlib import Path

import publish


def names(folder: Path) -> list[str]:
    with publish.Publisher(jobs=1, fork=False) as publisher:
        rendered: publish.Rendered = publisher.render(folder, epub=False)
    pdf: bytes | None = rendered.pdf
    problems: list[publish.Problem] = publish.validate(publish.load_issue(folder))
    codes = [p.code for p in problems if publish.is_error(p)]
    result: publish.BuildResult = publish.build(publish.load_issue(folder), folder / "out")
    return codes + [rendered.name, str(result.pdf_path), str(len(pdf or b""))]
'''

BAD = '''
import publish

r = publish.render("examples/sample")
n: int = r.pdf                       # bytes | None is not int
publish.build(42, "out")             # not a source
p = publish.Publisher(jobs="two")    # jobs is an int
x: str = publish.validate(publish.load_issue("x"))  # a list of problems
'''


_CACHE: list[Path] = []


@pytest.fixture(autouse=True, scope="module")
def _cache(tmp_path_factory):
    _CACHE.append(tmp_path_factory.mktemp("mypy-cache"))  # one cache for the three runs, not the repo's
    yield
    _CACHE.clear()


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(_CACHE[0]), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_mypy_is_clean_on_the_package():
    done = _mypy()  # files and settings from pyproject.toml
    assert done.returncode == 0, done.stdout


def test_the_public_api_passes_mypy_strict():
    done = _mypy("--strict", "--follow-imports=silent", *PUBLIC)
    assert done.returncode == 0, done.stdout


def test_a_script_using_the_api_is_checked_against_its_types(tmp_path):
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    assert _mypy("--strict", "--follow-imports=silent", str(good)).returncode == 0
    done = _mypy("--follow-imports=silent", str(bad))
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in lines] == [5, 6, 7, 8], done.stdout
