"""Rule base classes and metadata validation.

A rule is one class in one module under :mod:`mlwarden.rules`. Its metadata is
validated when the class is created, so a malformed rule breaks every test at
once:

* ``id`` is ``MLW`` + three digits, ``name`` is the kebab-case class name;
* ``severity`` is a :class:`Severity`, ``cwe`` a non-empty tuple of ints;
* ``message`` is one sentence that starts with a backticked pattern, says what
  to do instead and has no trailing period;
* the docstring has ruff's headings (What it does / Why is this bad? /
  Example / Use instead) and ends up as ``docs/rules/MLWnnn.md``.

Two kinds of rules share that metadata:

* :class:`CodeRule` visits a libcst tree (``visit_Call`` …). All code rules of a
  file run in one batched pass; names resolve through ``self.ctx`` (see
  :mod:`mlwarden.core.names`).
* :class:`FileRule` gets a whole :class:`~mlwarden.sources.Unit` of the kinds it
  ``applies_to`` (dependency files, notebook outputs, model files …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence, Tuple

from mlwarden.core.finding import Finding, Severity

ID_RE = re.compile(r"^MLW\d{3}$")
REQUIRED_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


def kebab(name: str) -> str:
    """``TorchLoadWithoutWeightsOnly`` -> ``torch-load-without-weights-only``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


@dataclass(frozen=True)
class Valid:
    """Code the rule must not flag. ``filename`` picks the source kind."""

    code: str
    filename: str = "example.py"
    options: Optional[Mapping[str, Any]] = None


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag.

    Expected lines: those carrying a ``# error: MLWnnn`` marker, or else the
    last non-blank line. ``fixed`` (code rules) is the code after applying the
    rule's fix; giving it makes the rule fixable.
    """

    code: str
    fixed: Optional[str] = None
    filename: str = "example.py"
    options: Optional[Mapping[str, Any]] = None
    unsafe_fix: bool = False


@dataclass
class Report:
    """What a code rule reports; the engine turns it into a Finding."""

    node: Any
    message: str
    severity: Severity
    replacements: Tuple[Tuple[Any, Any], ...] = ()
    fix_safe: bool = False
    fix_description: str = ""
    #: see :attr:`mlwarden.core.finding.Finding.pin`
    pin: Optional[str] = None


class _RuleMeta:
    """Mixin holding the metadata checks shared by both bases."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    cwe: ClassVar[Tuple[int, ...]]
    owasp: ClassVar[Tuple[str, ...]] = ()
    message: ClassVar[str]
    #: What to do instead, written once: ``message`` ends with ``"; " +
    #: advice`` and so do the per-case messages the rule builds
    #: (``f"`{target}` …; {self.advice}"``). Empty: the rule words each case.
    advice: ClassVar[str] = ""
    tags: ClassVar[Tuple[str, ...]] = ()
    since: ClassVar[str] = "0.1.0"
    #: Off unless selected (opt-in heuristics, MLW9xx, …).
    default_enabled: ClassVar[bool] = True
    #: Identifier-like words this rule can only fire near (prefilter).
    #: Empty means "always run".
    triggers: ClassVar[FrozenSet[str]] = frozenset()
    #: Optional cheap refinement of the gate: a classmethod ``(ast.Module) ->
    #: bool`` run only when the triggers matched; False means the rule cannot
    #: fire in this file, so it need not reach libcst. It must be sound
    #: (never False where the rule would report).
    ast_gate: ClassVar[Any] = None
    #: Optional test of one piece of a file (a top-level statement, a class
    #: member, a function: :mod:`mlwarden.core.locate`) that the triggers
    #: fire in: a classmethod ``(node: ast.stmt, facts: ModuleFacts, words:
    #: set) -> bool`` (``words``: the trigger words the piece's code and the
    #: bindings of its names carry). False means no finding of the rule can sit in that piece (its
    #: call sites there are all safe as written), so libcst need not see it
    #: for this rule. It must be sound, like ``ast_gate``; ``facts`` resolves
    #: names (:func:`mlwarden.core.sites.may_call`).
    site_gate: ClassVar[Any] = None
    #: Optional test of the text run before the file is parsed, when the
    #: triggers matched: a classmethod ``(source: str, words: set) -> bool``
    #: (``words``: the trigger words found in the text). False means the rule
    #: cannot fire in this file. It must be sound, like ``ast_gate``.
    source_gate: ClassVar[Any] = None
    #: Text that, when the file holds it, makes the rule see the whole
    #: module rather than the pieces its triggers fire in: what decides a
    #: finding may sit in statements without a trigger word (the dump of a
    #: round trip, :mod:`mlwarden.rules._roundtrip`). A substring test on
    #: the source: sound as long as every such statement holds one.
    module_words: ClassVar[FrozenSet[str]] = frozenset()
    #: Rule options: ``{"option-name": default}``; read from [tool.mlwarden].
    OPTIONS: ClassVar[Dict[str, Any]] = {}
    #: The values an option may take, when they are a fixed set:
    #: ``{"pin-policy": ("auto", "application", "library")}``. A config with
    #: another value is one error when it is loaded, not one per file.
    OPTION_CHOICES: ClassVar[Dict[str, Tuple[Any, ...]]] = {}
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    @classmethod
    def _validate(cls) -> None:
        where = f"{cls.__module__}.{cls.__name__}"
        problems: List[str] = []
        if not ID_RE.match(getattr(cls, "id", "")):
            problems.append(f"id {getattr(cls, 'id', None)!r} is not MLW + 3 digits")
        if getattr(cls, "name", None) != kebab(cls.__name__):
            problems.append(f"name must be {kebab(cls.__name__)!r}")
        if not isinstance(getattr(cls, "severity", None), Severity):
            problems.append("severity must be a Severity")
        cwe = getattr(cls, "cwe", ())
        if not cwe or not all(isinstance(c, int) for c in cwe):
            problems.append("cwe must be a non-empty tuple of ints")
        message = getattr(cls, "message", "")
        if not message.startswith("`") or message.endswith(".") or "\n" in message:
            problems.append("message must start with a `pattern`, be one line, and have no trailing period")
        advice = getattr(cls, "advice", "")
        if advice and not message.endswith("; " + advice):
            problems.append("message must end with '; ' + advice")
        doc = cls.__doc__ or ""
        for heading in REQUIRED_HEADINGS:
            if heading not in doc:
                problems.append(f"docstring lacks {heading!r}")
        if not isinstance(cls.triggers, frozenset):
            problems.append("triggers must be a frozenset")
        for key, choices in cls.OPTION_CHOICES.items():
            if key not in cls.OPTIONS or cls.OPTIONS[key] not in choices:
                problems.append(f"OPTION_CHOICES[{key!r}] must name an option whose default is one of the choices")
        if problems:
            raise TypeError(f"invalid rule {where}: " + "; ".join(problems))

    #: ``"module"``: the rule's findings depend on statements that do not
    #: hold its trigger words, so libcst must give it the whole module
    #: (see :mod:`mlwarden.core.locate`); ``"local"`` (default) otherwise.
    scope: ClassVar[str] = "local"

    @classmethod
    def load(cls) -> Any:
        """The rule class itself (a :class:`~mlwarden.core.registry.RuleRef`
        imports it; the engine calls ``load()`` on either)."""
        return cls

    @classmethod
    def fixable(cls) -> bool:
        return any(case.fixed is not None for case in cls.INVALID)

    @classmethod
    def kind(cls) -> str:
        raise NotImplementedError


class CodeRule(_RuleMeta):
    """A libcst visitor over Python code (files and notebook code cells).

    Define ``visit_<Node>``/``leave_<Node>`` methods; report with
    :meth:`report`. ``self.ctx`` resolves names and values, ``self.config``
    holds the run's configuration and ``self.unit`` the unit being checked.
    One instance per file: state on ``self`` is per file.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__:
            cls._validate()

    def __init__(self, ctx: Any, config: Any, unit: Any) -> None:
        self.ctx = ctx
        self.config = config
        self.unit = unit
        self.reports: List[Report] = []
        #: set when a visitor method raised (see get_visitors)
        self.failure: Optional[str] = None

    @classmethod
    def kind(cls) -> str:
        return "code"

    def option(self, key: str) -> Any:
        return self.config.rule_option(self, key)

    # libcst's visit_batched only needs this
    def get_visitors(self) -> Dict[str, Any]:
        return {
            attr: self._guarded(getattr(self, attr))
            for attr in dir(self)
            if (attr.startswith("visit_") or attr.startswith("leave_")) and callable(getattr(self, attr))
        }

    def _guarded(self, method: Any) -> Any:
        """A bug in one rule must not cost the other rules their findings:
        the first exception switches this rule off for the file and is kept
        in ``self.failure`` for the engine to report."""

        def guarded(node: Any) -> Any:
            if self.failure is not None:
                return None
            try:
                return method(node)
            except RecursionError:
                raise
            except Exception as exc:  # noqa: BLE001 - reported by the engine
                self.failure = f"{type(exc).__name__}: {exc}"
                return None

        return guarded

    def report(
        self,
        node: Any,
        message: Optional[str] = None,
        *,
        severity: Optional[Severity] = None,
        replace: Optional[Tuple[Tuple[Any, Any], ...]] = None,
        fix_safe: bool = False,
        fix_description: str = "",
        pin: Optional[str] = None,
    ) -> None:
        """Report ``node``. ``replace`` is ((old_node, new_node), …): the fix.
        ``pin``: the revision keyword the message asks to pin (Finding.pin)."""
        self.reports.append(
            Report(
                node=node,
                message=message or self.message,
                severity=severity or self.severity,
                replacements=tuple(replace or ()),
                fix_safe=fix_safe,
                fix_description=fix_description,
                pin=pin,
            )
        )


class FileRule(_RuleMeta):
    """A check over a whole unit (dependency file, notebook JSON, model file…).

    ``applies_to`` names the unit kinds (see :mod:`mlwarden.sources`).
    ``check`` yields :class:`Finding` values (use :meth:`finding`).
    """

    #: For a Python file (a unit of kind ``python``): words that must all be
    #: in its text for the rule to run there (the rule module is not even
    #: imported otherwise). The dependency rules read ``pip install``
    #: commands built in code: ``("pip", "install")``.
    text_gate: ClassVar[Tuple[str, ...]] = ()

    applies_to: ClassVar[FrozenSet[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__:
            cls._validate()
            if not cls.applies_to:
                raise TypeError(f"invalid rule {cls.__module__}.{cls.__name__}: applies_to is empty")

    def __init__(self, config: Any) -> None:
        self.config = config

    @classmethod
    def kind(cls) -> str:
        return "file"

    def option(self, key: str) -> Any:
        return self.config.rule_option(self, key)

    def check(self, unit: Any) -> Iterator[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def finding(
        self,
        unit: Any,
        line: int,
        col: int = 1,
        message: Optional[str] = None,
        *,
        severity: Optional[Severity] = None,
        **extra: Any,
    ) -> Finding:
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            path=unit.path,
            line=line,
            col=col,
            message=message or self.message,
            severity=severity or self.severity,
            **extra,
        )
