"""Code actions and hover, from the last published check of a document.

- **fix**: the rule's own fix, for each diagnostic in the request; a safe
  fix is the preferred quick fix, an unsafe one says so in its title and is
  never preferred (as ``--unsafe-fixes`` on the command line);
- **suppress**: ``# noqa: MLWnnn`` at the end of the line the finding starts
  on (the line the engine reads noqa from; in notebooks, that cell's line),
  added to an existing ``# noqa: ...`` list when there is one;
- **fix all** (``source.fixAll.mlwarden``): every safe fix, computed on the
  worker by :func:`mlwarden.server.checks.fix_all` (lazily through
  ``codeAction/resolve`` when the client supports it).
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any, Dict, Iterable, List, Optional

from lsprotocol import types

from mlwarden.core.suppress import NOQA_RE, noqa_codes
from mlwarden.server import convert
from mlwarden.server.checks import Entry, Outcome

FIX_ALL_KIND = "source.fixAll.mlwarden"
FIX_ALL_TITLE = "mlwarden: apply all safe fixes"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND]


def wants(only: Optional[Iterable[str]], kind: str) -> bool:
    """LSP kinds are hierarchical: ``source`` asks for ``source.fixAll.mlwarden``."""
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)


def _entry_for(outcome: Optional[Outcome], uri: str, diagnostic: types.Diagnostic) -> Optional[Entry]:
    if outcome is None:
        return None
    for entry in outcome.entries:
        if entry.uri == uri and entry.finding.rule_id == diagnostic.code and entry.diagnostic.range == diagnostic.range:
            return entry
    return None


def quick_fixes(
    uri: str,
    diagnostics: List[types.Diagnostic],
    outcome: Optional[Outcome],
    current: Dict[str, Optional[int]],
    document_text: Optional[str],
    document_changes: bool,
    encoding: str,
) -> List[types.CodeAction]:
    """Fix and suppress actions for the mlwarden diagnostics the client sent.

    ``current``: the documents' versions now. A fix is offered only when
    its diagnostics were computed for the text the editor has (otherwise its
    ranges point at the wrong characters); the next check brings it back."""
    actions: List[types.CodeAction] = []
    for diagnostic in diagnostics:
        if diagnostic.source != convert.SOURCE or not isinstance(diagnostic.code, str):
            continue
        data = diagnostic.data if isinstance(diagnostic.data, dict) else None
        entry = _entry_for(outcome, uri, diagnostic)
        if data is None and entry is not None:  # a client that drops `data`
            data = entry.diagnostic.data
        if not isinstance(data, dict):
            continue
        fix = data.get("fix")
        changes = convert.edits_from_json(fix.get("changes")) if isinstance(fix, dict) else None
        computed_for = fix.get("versions") if isinstance(fix, dict) and isinstance(fix.get("versions"), dict) else {}
        fresh = bool(changes) and all(u in computed_for and current.get(u) == computed_for[u] for u in changes)
        if changes and fresh:
            safe = bool(fix.get("safe"))
            actions.append(
                types.CodeAction(
                    title=str(fix.get("title") or f"Fix {diagnostic.code}"),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=safe,
                    edit=convert.workspace_edit(changes, {u: computed_for[u] for u in changes}, document_changes),
                )
            )
        if data.get("noqa") in ("python", "text") and document_text is not None:
            edit = noqa_edit(document_text, diagnostic.range.start.line, diagnostic.code, encoding, python=data["noqa"] == "python")
            if edit is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Suppress {diagnostic.code} on this line (# noqa: {diagnostic.code})",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=False,
                        edit=types.WorkspaceEdit(changes={uri: [edit]}),
                    )
                )
    return actions


_CONTINUATION = re.compile(r"\\\s*$")
_HTML_COMMENT = re.compile(r"^<!--.*?-->\n", re.M)


def noqa_edit(text: str, line0: int, code: str, encoding: str, python: bool = True) -> Optional[types.TextEdit]:
    """The edit that adds ``code`` to the line's ``# noqa`` comment, or None
    when a comment cannot go there (the line ends inside a multi-line
    string, after a backslash continuation) or the code is already named."""
    lines = convert.split_lines(text)
    if not 0 <= line0 < len(lines):
        return None
    line = lines[line0]
    existing = noqa_codes(line)
    if existing and any(code.startswith(c) for c in existing):
        return None
    if _CONTINUATION.search(line) or (python and _ends_inside_string(text, line0)):
        return None
    matches = list(NOQA_RE.finditer(line))
    if existing:  # "# noqa: A, B" -> "# noqa: A, B, MLWnnn" (the last comment is the one read)
        last = matches[-1]
        new_text, start, end = f"{last.group(0)}, {code}", last.start(), last.end()
    else:  # none, or a bare "# noqa" (flake8 keeps reading that one: leave it)
        body = line.rstrip()
        new_text, start, end = f"  # noqa: {code}", len(body), len(line)
    positions = convert.Lines(text, encoding)
    return types.TextEdit(
        range=types.Range(start=positions.position(line0, start), end=positions.position(line0, end)),
        new_text=new_text,
    )


def _ends_inside_string(text: str, line0: int) -> bool:
    """Does line ``line0`` end inside a string token (a triple-quoted string
    spanning lines)? Unparsable text: assume not (the comment may still work)."""
    row = line0 + 1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.start[0] > row:
                return False
            if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                if token.start[0] <= row < token.end[0]:
                    return True
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False
    return False


def fix_all_action(data: Optional[Dict[str, Any]] = None, edit: Optional[types.WorkspaceEdit] = None) -> types.CodeAction:
    return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, data=data, edit=edit)


def has_safe_fixes(outcome: Optional[Outcome]) -> bool:
    return outcome is not None and any(e.fixes and e.finding.fix is not None and e.finding.fix.safe for e in outcome.entries)


# ---------------------------------------------------------------------------
# hover


def hover(outcome: Optional[Outcome], uri: str, position: types.Position) -> Optional[types.Hover]:
    """The explain page of every rule flagged at ``position`` (as
    ``mlwarden explain``), under the finding's own message."""
    if outcome is None:
        return None
    hits = [e for e in outcome.entries if e.uri == uri and convert.contains(e.diagnostic.range, position)]
    if not hits:
        return None
    from mlwarden.core import docs
    from mlwarden.core.redact import redact_text
    from mlwarden.core.registry import rule_by_id

    parts: List[str] = []
    seen = set()
    for entry in hits:
        finding = entry.finding
        head = f"**{finding.rule_id}** ({finding.severity.value}): {finding.message}"
        parts.append(head)
        rule = rule_by_id(finding.rule_id)
        if rule is not None and rule.id not in seen:
            seen.add(rule.id)
            parts.append(_HTML_COMMENT.sub("", docs.render(rule)))
    first = hits[0].diagnostic.range
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=redact_text("\n\n---\n\n".join(parts))),
        range=first,
    )
