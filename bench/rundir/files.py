"""Reading and writing a run directory's files: whole or not at all.

Every write goes to a temporary file in the target's directory, then ``os.replace``
renames it over the target, so a reader sees the old file or the new one, never half
of either; the temporary file is removed if the write fails. Every read failure is a
:class:`RunDirError` whose message names the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class RunDirError(ValueError):
    """A run directory or one of its files is missing, unreadable or malformed; the
    message names it and says why."""


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file in the same directory, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_text(path, json.dumps(data, indent=2) + "\n")


def read_json(path: Path) -> Any:
    """Parsed JSON of ``path``; RunDirError naming the file if it is unreadable or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunDirError(f"{path}: no such file") from None
    except OSError as error:
        raise RunDirError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunDirError(f"{path}: not valid JSON ({error})") from None
