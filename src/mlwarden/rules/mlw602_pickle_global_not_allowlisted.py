from __future__ import annotations

from typing import Any, Dict, List, Tuple

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class PickleGlobalNotAllowlisted(FileRule):
    """## What it does
    Flags every global a committed model file would import that is not on
    mlwarden's allowlist of what legitimate checkpoints need (torch tensor,
    parameter and storage rebuilds, dtypes, `collections.OrderedDict`, numpy
    `_reconstruct`/`dtype`/`ndarray`/`scalar`, plain builtins such as `set`,
    `slice`, `bytearray`, joblib's array wrapper …). The allowlist is a
    versioned data file, `mlwarden/data/pickle_allowlist.toml`, with the
    reason for every entry. Known gadgets are reported by MLW601 instead.

    ## Why is this bad?
    Denylists fail open: every published bypass of picklescan-style scanners
    is a callable the denylist forgot (`pip.main`, `pkgutil.resolve_name`,
    `cProfile.run`, `asyncio` subprocess transports, …). Importing any module
    named by the file runs that module's import-time code, and calling any
    function it names with attacker-chosen arguments is rarely safe. An
    allowlist fails closed: what is not known to be harmless is reported.

    ## Example
    ```python
    import torch

    torch.save(model, "model.pt")  # pickles mypkg.models.Net itself, not just tensors
    ```

    ## Use instead
    ```python
    import torch

    torch.save(model.state_dict(), "model.pt")  # tensors only: all globals are allowlisted
    ```
    Or save as safetensors. If the class is yours and you trust the file,
    allow it in `pyproject.toml`.

    ## Options
    `allow-globals`: extra dotted names to accept, e.g.
    `allow-globals = ["mypkg.models.MyConfig", "mypkg.configs.*"]` (`.*`
    accepts public, undotted attributes of that module). Known gadgets stay
    reported by MLW601 whatever this option says.

    Severity is low for `__main__.ClassName`, a class the loading script
    defines itself (pickles of models defined in a notebook or a training
    script): nothing new can be imported through it. Shown with
    `--severity low`.

    One finding per file (per archive member) names every global it imports
    that is not allowed: the first with its offset, and up to four more
    (a pickled pandas DataFrame names a dozen pandas internals). The advice
    follows the library: Parquet or Feather for pandas data, skops or ONNX
    for scikit-learn models.

    ## Known problems
    Whole-model pickles (`torch.save(model)`) and scikit-learn pickles
    reference many library classes; they are reported until allowed.

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [PyTorch: torch.load weights_only allowlist](https://pytorch.org/docs/stable/notes/serialization.html#weights-only)
    """

    id = "MLW602"
    name = "pickle-global-not-allowlisted"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    advice = "store weights as safetensors or add the name to `allow-globals` if you trust it"
    message = f"`mypkg.Model` in a model file is not on the pickle allowlist; {advice}"
    applies_to = frozenset({"model"})
    OPTIONS = {"allow-globals": []}

    VALID = [
        Valid(ex.P0_ORDERED_DICT, filename="model.pkl"),
        Valid(ex.P0_LIST, filename="model.pkl"),
        Valid(ex.P0_UNLISTED, filename="model.pkl", options={"allow-globals": ["mypkg.models.Config"]}),
        Valid(ex.P0_UNLISTED, filename="model.pkl", options={"allow-globals": ["mypkg.models.*"]}),
        Valid(ex.P0_OS_SYSTEM, filename="model.pkl"),  # MLW601's, not this rule's
    ]
    INVALID = [
        Invalid(ex.P0_UNLISTED, filename="model.pkl"),
        Invalid(ex.P0_UNLISTED, filename="model.pkl", options={"allow-globals": ["mypkg.other.Config"]}),
    ]

    def check(self, unit):
        from mlwarden.artifacts.allowlist import is_allowed, ref_danger
        from mlwarden.artifacts.findings import first_of_each, identity, is_trusted, where
        from mlwarden.sources.model import model_report

        report = model_report(unit)
        extra = list(self.option("allow-globals"))
        # one finding per archive member and severity, naming every global: a
        # pickled DataFrame names a dozen pandas internals, and a dozen
        # findings for one file buried the rest of a first run
        groups: Dict[Tuple[str, bool], List[Any]] = {}
        for ref in first_of_each(report.globals, lambda g: (g.member, g.name)):
            if ref_danger(ref) or is_allowed(ref.name, extra) or is_trusted(ref.name, report.trusted_prefixes):
                continue
            groups.setdefault((ref.member, _own_class(ref.name)), []).append(ref)
        for (member, own), refs in groups.items():
            first = refs[0]
            names = [ref.name for ref in refs]
            if len(names) == 1:
                what = f"`{first.name}` in a model file is not on the pickle allowlist ({where(member, first.offset)})"
            else:
                shown = ", ".join(f"`{name}`" for name in names[1:1 + _LISTED])
                if len(names) > 1 + _LISTED:
                    shown += ", …: `mlwarden scan-model --list-globals` lists them all"
                what = (
                    f"`{first.name}` and {len(names) - 1} more globals ({shown}) in a model file are not on the pickle allowlist "
                    f"({where(member, first.offset)} for the first)"
                )
            yield self.finding(
                unit,
                1,
                1,
                f"{what}; {_advice(names, self.advice)}",
                severity=Severity.LOW if own else None,
                snippet_hash=identity(self.id, member, *names),
            )


#: how many of a group's other globals the message names
_LISTED = 4


def _advice(names: List[str], default: str) -> str:
    """What to store instead, for the library whose objects the file pickles."""
    roots = {name.split(".", 1)[0] for name in names}
    if roots <= {"pandas", "numpy"} and "pandas" in roots:
        return "store data as Parquet, Feather or CSV, or add the names to `allow-globals` if you trust the file"
    if roots <= {"sklearn", "numpy", "joblib", "scipy"} and "sklearn" in roots:
        return "save scikit-learn models with skops or ONNX, or add the names to `allow-globals` if you trust the file"
    return default


def _own_class(name: str) -> bool:
    """``__main__.ClassName``: a class the loading script defines itself.
    The unpickler cannot import anything new through it, so the risk is
    low; functions (lower-case) and attribute chains keep the rule's severity."""
    module, _, attr = name.partition(".")
    return module == "__main__" and attr.isidentifier() and attr[:1].isupper() and not attr.startswith("_")
