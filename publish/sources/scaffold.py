"""A new issue folder to start from (`publish new`): issue.toml and two example articles.

In: the folder to create (it may exist if empty), optionally the issue's label and date, and today's
date. Out: the paths written. All or nothing: the files are written into a temporary folder beside
it, then renamed into place. An existing non-empty folder is a `SourceError`.

Label and date, unless given: from a folder named for the issue — `2025-02` (or `bayannaoer-2025-02`)
is 2025's issue 2, labelled `2025年第2期` and dated 2025-02-01 (a monthly's number is its month); a
number above 12 (`2025-15`) is an issue number: label `2025年第15期`, date 1 January of that year
until the editor writes the real one. Any other name: issue 1 of this year, dated today.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path

from publish.errors import Problem, SourceError

ISSUE_TOML = """\
# The issue: magazine, issue metadata and the sections in print order.
# See docs/writing-an-issue.md. Check it with:  publish check {folder}

[magazine]
title = "巴彦淖尔人大"
language = "zh-CN"

[issue]
label = "{label}"         # printed on the cover, in headers and in the EPUB title
date = {date}            # a TOML date, no quotes
first_folio = 3                # folio of the first body page
layout = "magazine-16k"        # a layout name (layouts/NAME.toml) or a path

# [fonts]                      # optional: role = ["family or file", …]
# body = ["Noto Serif CJK SC"]

[[sections]]
title = "特别报道"
articles = ["articles/01-jianghua.md"]

[[sections]]
title = "工作动态"
articles = ["articles/02-tongzhi.md"]
"""

SPEECH = """\
+++
title = ["在市人大常委会会议上的讲话", "（示例）"]
subtitle = "——这是副标题，以破折号开头"
byline = [{unit = "市人大常委会主任", name = "张三"}]
kind = "speech"
+++

::: salutation
各位代表、同志们：
:::

这是一段正文。每个空行分隔一个段落；段落内的换行会被去掉，
不会插入空格。

## 一、一级标题

一级标题写作“## 一、……”。标点按原样印出，从不改写；“publish check” 会指出可疑的标点（如中文里的半角逗号）。

### （一）二级标题

二级标题写作“### （一）……”。*着重的文字*用星号括起来。

::: note
（根据录音整理）
:::
"""

NOTICE = """\
+++
title = "关于做好示例工作的通知"
kind = "notice"
+++

::: salutation
各有关单位：
:::

为做好示例工作，现将有关事项通知如下：

1. 编号条目写作“1. ……”，编号按原样印出。

2. 《关于……<条例>……》中的尖括号按原样保留。

::: signature
市人大常委会办公室
2025年1月20日
:::
"""


_ISSUE_NAME = re.compile(r"(?:^|[^0-9])((?:19|20)\d\d)[-_.](\d{1,2})$")


def issue_from_name(name: str) -> tuple[str, dt.date] | None:
    """(label, date) read from a folder name ending in YYYY-MM or YYYY-NN; None for other names."""
    found = _ISSUE_NAME.search(name)
    if found is None:
        return None
    year, number = int(found.group(1)), int(found.group(2))
    if number < 1:
        return None
    date = dt.date(year, number, 1) if number <= 12 else dt.date(year, 1, 1)
    return f"{year}年第{number}期", date


def _toml_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def scaffold(folder: Path, today: dt.date | None = None, *, label: str | None = None,
             date: dt.date | None = None) -> list[Path]:
    """Create a new issue folder with two example articles; refuses an existing non-empty folder.
    `label` and `date` default to what the folder's name says (see the module docstring)."""
    today = today or dt.date.today()
    named = issue_from_name(folder.resolve().name)
    if label is None:
        label = named[0] if named else f"{(date or today).year}年第1期"
    if date is None:
        date = named[1] if named else today
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SourceError(
            Problem("already exists and is not empty", folder, None, "choose a new folder name for the issue")
        )
    files = {
        "issue.toml": ISSUE_TOML.format(folder=folder, label=_toml_string(label), date=date.isoformat()),
        "articles/01-jianghua.md": SPEECH,
        "articles/02-tongzhi.md": NOTICE,
    }
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}."))
    try:
        for name, text in files.items():
            target = temp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        if folder.exists():
            folder.rmdir()  # empty (checked above); os.replace needs the name free
        os.replace(temp, folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return [folder / name for name in files]
