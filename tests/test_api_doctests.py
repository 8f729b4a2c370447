"""The examples in the API's docstrings (what the generated API reference shows) run as written."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest
from build_support import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["publish", "publish.build", "publish.publisher", "publish.batch", "publish.sources.validate",
           "publish.model"]


@pytest.mark.skipif(not (SAMPLE / "issue.toml").is_file(), reason="examples/sample is missing")
@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_run(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name examples/sample as a user in the project would
    module = importlib.import_module(name)  # the module itself, also where a function shadows it
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0

