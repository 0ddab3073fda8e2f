from __future__ import annotations

from typing import Iterator

from mlwarden.core.finding import Finding, Severity
from mlwarden.core.rule import FileRule, Invalid, Valid

_WITH_OUTPUT = (
    '{"cells": [{"cell_type": "code", "execution_count": 1, "id": "a1", "metadata": {}, '
    '"outputs": [{"name": "stdout", "output_type": "stream", "text": ["/home/alice/data\\n"]}], '
    '"source": ["import os\\n", "print(os.getcwd())"]}], '
    '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
)
_KEPT = _WITH_OUTPUT.replace('"metadata": {}, "outputs"', '"metadata": {"tags": ["keep_output"]}, "outputs"')
_CLEAN = _WITH_OUTPUT.replace('"execution_count": 1', '"execution_count": null').replace(
    '[{"name": "stdout", "output_type": "stream", "text": ["/home/alice/data\\n"]}]', "[]"
)


class NotebookOutputsCommitted(FileRule):
    """## What it does
    Reports every notebook code cell that carries outputs which `mlwarden
    strip` would remove (one finding per cell, on its first line). Cells
    tagged `keep_output`, cells with `metadata.keep_output: true` and
    notebooks with `metadata.keep_output: true` are not reported.

    Off by default: select `MLW501` (or run `mlwarden strip --check`) in
    repositories that keep notebooks output-free.

    ## Why is this bad?
    Outputs are where notebooks leak: printed tokens and environment variables,
    tracebacks with local paths and user names, samples of private data,
    internal URLs. They also bloat the repository and its history, where a
    leaked value stays after the output is cleared.

    ## Example
    ```text
    a notebook code cell that still has its outputs (and execution count)
    ```

    ## Use instead
    ```sh
    mlwarden strip notebook.ipynb            # or the mlwarden-strip pre-commit hook
    mlwarden strip --install-filter          # strip on `git add`, keep outputs locally
    ```
    Tag a cell `keep_output` when its output is meant to be committed (the
    secrets rules still scan kept outputs).

    ## References
    - [CWE-200: Exposure of Sensitive Information to an Unauthorized Actor](https://cwe.mitre.org/data/definitions/200.html)
    - [CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory](https://cwe.mitre.org/data/definitions/538.html)
    - [OWASP LLM02:2025 Sensitive Information Disclosure](https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/)
    - [nbstripout](https://github.com/kynan/nbstripout)
    """

    id = "MLW501"
    name = "notebook-outputs-committed"
    severity = Severity.LOW
    cwe = (200, 538)
    owasp = ("LLM02:2025",)
    advice = "clear them with `mlwarden strip` or tag the cell `keep_output`"
    message = f"`outputs` are committed in this notebook cell and can leak data, paths or tokens; {advice}"
    default_enabled = False
    applies_to = frozenset({"notebook"})
    triggers = frozenset({"outputs"})

    VALID = [
        Valid(_CLEAN, filename="example.ipynb"),
        Valid(_KEPT, filename="example.ipynb"),
    ]
    INVALID = [
        Invalid(_WITH_OUTPUT, filename="example.ipynb"),
    ]

    def check(self, unit) -> Iterator[Finding]:
        from mlwarden.core.suppress import is_suppressed
        from mlwarden.fixers.notebook_outputs import cells_with_outputs

        cells = unit.extra.get("cells", [])
        for index, count in cells_with_outputs(unit.extra.get("notebook", {})):
            if index >= len(cells):
                continue
            cell = cells[index]
            if any(is_suppressed(self.id, line) for line in cell.lines):
                continue
            message = None
            if count > 1:
                message = (
                    f"`outputs` ({count}) are committed in this notebook cell and can leak data, paths or tokens; {self.advice}"
                )
            file_line = cell.output_file_lines[0] if cell.output_file_lines else cell.file_line
            yield self.finding(unit, 1, 1, message, cell=cell.index, file_line=file_line)
