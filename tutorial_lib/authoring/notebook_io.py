"""Reading and writing notebooks: strict parsing, deterministic bytes, atomic writes.

Every notebook the tools read or write goes through here, so that the same
notebook always serializes to the same bytes (the build manifest compares
hashes of those bytes) and no half-written file is ever left behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import nbformat

__all__ = ["NotebookFormatError", "read_notebook", "parse_notebook", "notebook_bytes", "sha256_hex",
           "write_atomically"]


class NotebookFormatError(ValueError):
    """A notebook breaks the workbook's conventions (see AUTHORING.md).

    Parameters
    ----------
    notebook : str
        The notebook's path, as the user gave it.
    problem : str
        What was expected and what was found.
    cell_index : int, optional
        0-based position of the offending cell.
    cell_id : str, optional
        The offending cell's id.
    """

    def __init__(self, notebook: str, problem: str, cell_index: int | None = None,
                 cell_id: str | None = None):
        self.notebook = notebook
        self.problem = problem
        self.cell_index = cell_index
        self.cell_id = cell_id
        where = notebook if cell_index is None else f"{notebook}, cell {cell_index} (id {cell_id!r})"
        super().__init__(f"{where}: {problem}")


def parse_notebook(text: str, name: str) -> nbformat.NotebookNode:
    """Parse notebook JSON as nbformat v4, refusing anything nbformat would silently repair.

    nbformat replaces duplicate cell ids by random ones and invents missing ids,
    with only a warning.  Cell ids are how the build and the check find cells
    again, so a notebook that needs such repairs is rejected instead.

    Raises
    ------
    NotebookFormatError
        The text is not a valid v4 notebook, or its cell ids are missing or repeated.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
        # Malformed input surfaces as NotJSONError, ValidationError, AttributeError, KeyError...
        # depending on where nbformat's readers and converters trip; all mean the same thing here.
        except Exception as exc:
            raise NotebookFormatError(name, f"not a valid Jupyter notebook (nbformat v4): {exc}") from None
    if caught:
        messages = "; ".join(sorted({str(w.message) for w in caught}))
        raise NotebookFormatError(
            name, f"nbformat had to repair the notebook ({messages}); open it in JupyterLab and save it, "
                  f"which gives every cell a unique id."
        )
    missing = [index for index, cell in enumerate(nb.cells) if not cell.get("id")]
    if missing:
        raise NotebookFormatError(
            name, f"cells {missing} have no id (nbformat < 4.5); open the notebook in JupyterLab and save "
                  f"it, which upgrades it to nbformat 4.5 with cell ids."
        )
    return nb


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and strictly parse the notebook at ``path`` (see :func:`parse_notebook`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookFormatError(str(path), f"not a Jupyter notebook: the file is not UTF-8 text ({exc}).") from None
    return parse_notebook(text, str(path))


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    """Serialize deterministically: nbformat's sorted-key JSON plus a final newline.

    This is exactly what ``nbformat.write`` puts in a file, so saving the
    notebook in JupyterLab without changes keeps the bytes.
    """
    return (nbformat.writes(nb, version=4) + "\n").encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    """The sha256 of bytes, or of a string's UTF-8 encoding, in hex."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    ``os.replace`` is atomic, so an interrupted write leaves either the old
    file or the new one, never a truncated notebook.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file private (0600); keep the mode of the file being replaced.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
