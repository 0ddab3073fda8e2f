from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Optional, Set

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.core.context import lower
from mlwarden.rules._optin import opt_in_note
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules.mlw202_unpinned_hub_revision import (
    HUB_FUNCTIONS,
    HUB_LIBRARIES,
    _ID_KEYWORDS,
    _tail,
    ParamDefaults,
    function_params,
    may_resolve_truthy,
    publishes,
    PublishedOwners,
    display_target,
    hub_id_value,
    hub_load,
    is_local_path,
    is_trusted,
    owner_of,
    revision_arg,
    revision_problem,
)

KEY = "trust_remote_code"
_SHA = "ac2ae5fab2ce3f9f40dc79b5ca9f637430d24971"


class TrustRemoteCode(PublishedOwners, RoundTripAware, ParamDefaults, CodeRule):
    """## What it does
    Flags `trust_remote_code=<truthy>` in any call: transformers
    `from_pretrained` of any Auto*/model/config/tokenizer class, `pipeline`,
    datasets `load_dataset`, sentence-transformers, vLLM `LLM(...)`,
    LangChain `HuggingFaceEmbeddings(model_kwargs=...)` and anything else
    that accepts it. Truthy means what Python means: `True`, `1`, `"true"`
    and even `"false"` (a non-empty string) all enable remote code. The
    argument is found when written directly, through a `**{...}` literal or a
    `**CONSTANT` module-level dict, and inside a keyword argument whose value
    is a dict literal or constant (`model_kwargs={"trust_remote_code": True}`).
    A dict literal holding `"trust_remote_code": True` that is not passed to
    a call directly (`kwargs = {...}` then `f(**kwargs)`) is reported where
    it is written; so is one nested in, or handed to, another dict (a dict
    is not a loader). A value of several words (`{"trust_remote_code":
    "Trust remote code from the hub"}`) is a help or description table, not
    an argument, and is not reported where it is written; a call that
    receives it (`**HELP`) is still judged. A config dict whose `type=` is a Hub loader, as in
    mmengine/xtuner configs (`llm=dict(type=AutoModelForCausalLM.from_pretrained,
    pretrained_model_name_or_path=NAME, trust_remote_code=True)`), is judged
    as the call its builder makes, with the same severities; so is one
    whose `type=` is the registry name of a transformers Auto class
    (`type='AutoModelForCausalLM', name_or_path=NAME`, as mmpretrain
    registers them). A call that is not a load but describes one, a model
    registry record that names a Hub repository by keyword beside the
    arguments it hands its loader (`ModelMeta(name="org/model",
    revision=SHA, loader_kwargs={"trust_remote_code": True})`, as mteb
    lists its models; `name=` counts only for an `org/name` value), is
    judged as the load of that repository at that revision.

    The same finding also checks the pin, so this rule covers "remote code
    without a pinned revision" too (there is no separate rule for it): the
    message says whether `revision` is a full 40-hex commit SHA, and whether
    a `code_revision` (used when the modeling code lives in another
    repository) is pinned.

    ## Why is this bad?
    `trust_remote_code=True` downloads Python files (`modeling_*.py`,
    dataset scripts) from the model or dataset repository and imports them:
    whoever controls that repository runs code on your machine, with your
    credentials. Without a pinned commit, a later push to the repository (or
    to the repository named in its `auto_map`) changes the code you run
    without any change to yours.

    ## Severity
    - **high**: a Hub repository named in the code (a literal or constant
      id) whose code runs unpinned;
    - **medium**: the model path is chosen at run time
      (`from_pretrained(args.model, trust_remote_code=True)`): whoever picks
      the model runs its code and nothing lets them say no, so make remote
      code opt-in (a flag defaulting to False); also medium when the load is
      pinned to a full commit SHA (review that commit), for a local
      directory, and for a `{"trust_remote_code": True}` dict whose receiver
      is not known (a config dict whose `type=` is a Hub loader is ranked
      like the call: the repository named at the top of the config, high;
      a run-time path, medium);
    - **low**: `load_dataset(..., trust_remote_code=True)` when the project
      requires `datasets >= 4` (dead code); and a call or a
      `{"trust_remote_code": True}` dict that runs only after the caller
      opted in: under `if trust_remote_code:`, or after
      `if not trust_remote_code: return {}` (or `raise`), where
      `trust_remote_code` is a parameter defaulting to False that nothing
      rebinds and that no call in the same file sets to True (the message
      names the opt-in; as for MLW101's opt-ins).

    Then one step lower for a repository of the project's own organisation
    (see MLW202) and one step lower in tests, docs, examples and tutorial
    notebooks (remote code in a test still runs on a CI machine with its
    secrets, so a high finding stays visible as medium).

    When this finding tells you to pin `revision=` (unpinned, a branch or
    tag, a revision that cannot be verified, or a run-time model path), the
    MLW202 finding at the same call says the same thing ("pin the
    revision"), so MLW202 is lowered to **low** there with a reason naming
    this finding (`--severity low` shows both); act on this one. MLW202 keeps
    its own severity when this rule is switched off for the file
    (`per-file-ignores`) or under `--no-context`, is lower, or asks for something else
    (`code_revision=`, or a pinned load whose code you review).

    ## Example
    ```python
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained("some-org/new-model", trust_remote_code=True)
    ```

    ## Use instead
    ```python
    from transformers import AutoModelForCausalLM

    # the architecture is in transformers itself: no remote code needed
    model = AutoModelForCausalLM.from_pretrained(
        "some-org/new-model", revision="ac2ae5fab2ce3f9f40dc79b5ca9f637430d24971"
    )
    ```
    When you do need remote code, review it at one commit, pin that commit
    with `revision=` (and `code_revision=` when the code lives in another
    repository) and silence the reviewed call with `# noqa: MLW201`.

    ## Fix safety
    No fix is offered: removing `trust_remote_code=True` breaks models whose
    architecture exists only as remote code, and mlwarden never turns it off
    behind your back.

    ## Options
    `trusted-models` (list of globs, shared with MLW202): literal repo ids
    that match are exempt, e.g. `trusted-models = ["my-org/*"]`.

    Non-literal values: a module-level constant and the literal default of
    the enclosing function's parameter are followed; any other expression
    (`trust_remote_code=args.trust_remote_code`, the usual opt-in flag of
    training scripts) is not reported. When `datasets >= 4` is guaranteed by
    the project's pins, `load_dataset(..., trust_remote_code=True)` is
    reported at low severity as dead code (datasets 4 removed dataset
    scripts).

    ## References
    - [Hugging Face: Using custom code (trust_remote_code)](https://huggingface.co/docs/transformers/en/custom_models#using-a-model-with-custom-code)
    - [CWE-94: Improper Control of Generation of Code](https://cwe.mitre.org/data/definitions/94.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [OWASP LLM03:2025 Supply Chain](https://genai.owasp.org/llmrisk/llm032025-supply-chain/)
    """

    id = "MLW201"
    name = "trust-remote-code"
    severity = Severity.HIGH
    cwe = (94, 829)
    owasp = ("ML06:2023", "LLM03:2025")
    message = "`trust_remote_code=True` runs Python code from the model repository; use a model supported natively or review and pin the code to a commit"
    OPTIONS = {"trusted-models": []}
    triggers = frozenset({KEY})
    #: the pushes to the Hub (PublishedOwners); the opt-in (RoundTripAware's
    #: scopes) is read inside the function, so no round-trip words
    module_words = PublishedOwners.module_words

    VALID = [
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/name')"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/name', trust_remote_code=False)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/name', trust_remote_code=args.trust_remote_code)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('my-org/m', trust_remote_code=True)", options={"trusted-models": ["my-org/*"]}),
        Valid("config = {'trust_remote_code': False}"),
        Valid("def load(name, trust_remote_code=False):\n    return AutoModel.from_pretrained(name, trust_remote_code=trust_remote_code)"),
    ]
    INVALID = [
        Invalid("from transformers import AutoModel\nAutoModel.from_pretrained('org/name', trust_remote_code=True)"),
        Invalid("from transformers import pipeline\npipe = pipeline('text-generation', model='org/name', trust_remote_code=1)"),
        Invalid("from datasets import load_dataset\nds = load_dataset('org/data', trust_remote_code='true')"),
        Invalid("from vllm import LLM\nllm = LLM(model='org/name', **{'trust_remote_code': True})"),
        Invalid("from transformers import AutoConfig\nKW = dict(trust_remote_code=True)\ncfg = AutoConfig.from_pretrained('org/name', **KW)"),
        Invalid("from sentence_transformers import SentenceTransformer\nm = SentenceTransformer('org/name', model_kwargs={'trust_remote_code': True})"),
        Invalid("from registry import ModelMeta, st_loader\nmeta = ModelMeta(loader=st_loader, loader_kwargs={'trust_remote_code': True}, name='org/embed', revision='main')"),
        Invalid(f"from transformers import AutoModel\nAutoModel.from_pretrained('org/name', trust_remote_code=True, revision='{_SHA}')"),
        Invalid("def build(load):\n    kwargs = {\n        'trust_remote_code': True,  # error: MLW201\n    }\n    return load(**kwargs)"),
        Invalid("def build(load):\n    kwargs = dict(trust_remote_code=True)  # error: MLW201\n    return load(**kwargs)"),
        Invalid("def load(name, trust_remote_code=True):\n    return AutoModel.from_pretrained(name, trust_remote_code=trust_remote_code)"),
        Invalid("from transformers import AutoModel\nmodel = dict(type='Finetune', llm=dict(type=AutoModel.from_pretrained, trust_remote_code=True))"),
    ]

    def __init__(self, ctx: Any, config: Any, unit: Any) -> None:
        super().__init__(ctx, config, unit)
        self._consumed: Set[int] = set()
        #: (dict node, element, message, severity, repo id or None)
        self._dicts: list = []
        #: (node, message, severity, repo id or None), reported in leave_Module
        self._calls: list = []

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding only where ``trust_remote_code`` (a
        keyword, a dict key, a constant that may be either) is given a value
        the rule may resolve as truthy, or where a publisher lowers one.
        ``trust_remote_code=trust_remote_code`` with a parameter defaulting to
        False or None, which libraries pass along everywhere, is not."""
        import ast

        params = function_params(node)

        def keyish(key) -> bool:
            return (type(key) is ast.Constant and key.value == KEY) or (type(key) is ast.Name and key.id in facts.constants)

        for sub in ast.walk(node):
            kind = type(sub)
            if kind is ast.Call:
                if publishes(sub):
                    return True
                for kw in sub.keywords:
                    if kw.arg == KEY and may_resolve_truthy(kw.value, params, facts):
                        return True
                    if type(kw.value) is ast.Name and kw.value.id in facts.constants:
                        return True  # a constant mapping may hold the key
            elif kind is ast.Dict:
                if any(key is not None and keyish(key) and may_resolve_truthy(value, params, facts) for key, value in zip(sub.keys, sub.values)):
                    return True
        return False

    # -- calls -------------------------------------------------------------
    def visit_Call(self, node: libcst.Call) -> None:
        self.note_publisher(node)
        if _is_dict_call(self.ctx, node):
            # a dict handed to another dict is not handed to a loader: it is
            # judged as a dict (mmengine/xtuner configs nest them)
            if any(arg.keyword is not None and arg.keyword.value == KEY for arg in node.args):
                self._note_dict(node, [(arg, arg.keyword.value if arg.keyword else None, arg.value) for arg in node.args])
            return
        for arg in node.args:
            # dicts passed straight to a call are judged with the call
            if isinstance(arg.value, cst.Dict) or _is_dict_call(self.ctx, arg.value):
                self._consumed.add(id(arg.value))
            elif isinstance(arg.value, cst.Name):
                bound = self.ctx.constants.values.get(arg.value.value)
                if isinstance(bound, cst.Dict) or _is_dict_call(self.ctx, bound):
                    self._consumed.add(id(bound))
        present, value = self.ctx.keyword(node, KEY)
        via = None
        if present and self._truthy(value):
            via = "direct"
        else:
            for arg in node.args:
                if arg.keyword is None:
                    continue
                mapping = self.ctx.value(arg.value)
                if isinstance(mapping, dict) and KEY in mapping and self._truthy(mapping[KEY]):
                    via = arg.keyword.value
                    break
        if via is None:
            return
        found = hub_load(self.ctx, node)
        if not found and via != "direct":
            # a model registry record (`ModelMeta(name="org/m", revision=SHA,
            # loader_kwargs={...})`): the load it describes, judged as one
            found = _record_load(self.ctx, node)
        target = display_target(found[0]) if found else _call_name(node)
        pattern = f"`{target}(..., trust_remote_code=True)`" if via == "direct" else f"`{target}(..., {via}={{'trust_remote_code': True}})`"
        rev_keyword = revision_arg(self.ctx, node, found[0])[2] if found else "revision"

        def keyword(key: str) -> Any:
            if key == "revision" and found:
                return revision_arg(self.ctx, node, found[0])[:2]  # ModelScope: `model_revision=`, by position, ...
            return self.ctx.keyword(node, key)

        judged = self._judge(found, pattern, opt_in_note(self, node), keyword)
        if judged is not None:
            if rev_keyword != "revision":
                pin = rev_keyword if judged[3] == "revision" else judged[3]
                judged = (judged[0].replace("`revision=`", f"`{rev_keyword}=`"), judged[1], judged[2], pin)
            self._calls.append((node, *judged))

    def _truthy(self, value: Any) -> bool:
        resolved = self.resolve(value)
        return resolved is not UNKNOWN and bool(resolved)

    def _judge(self, found, pattern: str, note: Optional[str], keyword) -> "Optional[tuple[str, Severity, Optional[str], Optional[str]]]":
        """(message, severity, repo id for the own-organisation step, the
        revision keyword the message asks to pin or None: ``Finding.pin``) of
        a load that runs remote code, or None for a trusted repository.
        ``found`` is ``hub_load``'s answer; ``keyword(name)`` gives
        ``(present, value)`` of the load's other arguments."""
        name: Optional[str] = None
        exact = False
        if found:
            name, exact = hub_id_value(self.ctx, found[1])
            if exact and name is not None and is_trusted(name, self.option("trusted-models")):
                return None
        if self._datasets_dead_code(found):
            return (
                f"{pattern} is dead code with datasets >= 4, which no longer runs dataset scripts; remove `trust_remote_code`",
                Severity.LOW,
                None,
                None,
            )
        if note:
            # the caller opted in (`if not trust_remote_code: return`): the
            # library's documented escape hatch, whichever repository it names
            return f"{pattern} runs Python code from the model repository; pin `revision=` to a reviewed commit where the model is known" + note, Severity.LOW, None, "revision"
        if name is None:
            # the repository is chosen at run time: whoever picks the model
            # path runs its code, with no way to say no
            return (
                f"{pattern} runs Python code from whatever repository the run-time model path names; make remote code opt-in (a flag defaulting to False) and pin `revision=` where the model is known",
                Severity.MEDIUM,
                None,
                "revision",
            )
        pinned, pin, keyword_to_pin = self._pin_state(keyword)
        severity = Severity.MEDIUM if pinned or (exact and is_local_path(name, self.unit, self.config)) else Severity.HIGH
        repo = name if exact else (f"{owner_of(self.ctx, found[1])}/x" if found and owner_of(self.ctx, found[1]) else None)
        return f"{pattern} runs Python code from the model repository {pin}", severity, repo, keyword_to_pin

    def _pin_state(self, keyword) -> "tuple[bool, str, Optional[str]]":
        """(pinned to a commit, how the message ends, the keyword it asks to pin)."""
        present, rev_expr = keyword("revision")
        code_present, code_expr = keyword("code_revision")
        revision = self.resolve(rev_expr) if present else None
        code_revision = self.resolve(code_expr) if code_present else None
        if isinstance(code_revision, str) and revision_problem(code_revision):
            return False, f"and `code_revision` `{code_revision}` is {revision_problem(code_revision)}; review the code and pin `code_revision=` to a full 40-hex commit SHA", "code_revision"
        if isinstance(revision, str) and revision_problem(revision) is None:
            return True, "(pinned to a commit); review the code at that commit, then silence this line with `# noqa: MLW201`", None
        if present is None or revision is UNKNOWN:
            return False, "and its `revision` cannot be verified as a commit pin; review the code and pin `revision=` to a full 40-hex commit SHA", "revision"
        if isinstance(revision, str):
            return False, f"at revision `{revision}`, {revision_problem(revision)}; review the code and pin `revision=` to a full 40-hex commit SHA", "revision"
        return False, "without a pinned revision, so the repository owner can change it at any time; avoid remote code or review it and pin `revision=` to a commit SHA", "revision"

    def _datasets_dead_code(self, found) -> bool:
        if not found or not found[0].startswith("datasets."):
            return False
        try:
            from mlwarden.core.versions import project_versions
        except ImportError:
            return False
        try:
            return bool(project_versions(self.config, self.unit.path).at_least("datasets", "4"))
        except Exception:  # a version problem must never hide the finding
            return False

    # -- dicts not passed to a call ----------------------------------------
    def visit_Dict(self, node: libcst.Dict) -> None:
        if any(isinstance(e, cst.DictElement) and self.ctx.value(e.key) == KEY for e in node.elements):
            self._note_dict(node, [(e, self.ctx.value(e.key), e.value) for e in node.elements if isinstance(e, cst.DictElement)])

    def _note_dict(self, node, pairs) -> None:
        """Judge a dict (literal or ``dict(...)`` call) that holds the key
        now, while the enclosing function (its opt-in, its parameters'
        defaults) is known; ``leave_Module`` reports it unless a call
        consumed it. A dict whose ``type=`` is a Hub loader (an mmengine
        config the builder calls) is judged as that call."""
        note = opt_in_note(self, node)
        keys = {key: value for _, key, value in pairs if isinstance(key, str)}
        if isinstance(node, cst.Call):
            def keyword(name):
                return self.ctx.keyword(node, name)
        else:
            opaque = any(isinstance(e, cst.StarredDictElement) for e in node.elements)

            def keyword(name):
                return (True, keys[name]) if name in keys else ((None, None) if opaque else (False, None))
        loader = _dict_loader(self.ctx, keys)
        for element, key, value in pairs:
            if key != KEY or not self._truthy(value):
                continue
            if loader is None and _is_text(self.resolve(value)):
                # `{"trust_remote_code": "Trust remote code from the hub"}`: a help or
                # description table; a call it reaches (`**HELP`) is judged at the call
                continue
            if loader is not None:
                target = display_target(loader[0])
                shown = f"`{{'type': {target}, 'trust_remote_code': True}}`" if isinstance(node, cst.Dict) else f"`dict(type={target}, trust_remote_code=True)`"
                judged = self._judge(loader, shown + " (a config its builder calls)", note, keyword)
                if judged is None:
                    continue
            else:
                judged = (
                    "`{'trust_remote_code': True}` lets the call that receives these arguments run Python code from the model repository"
                    + ("; pin `revision=` to a reviewed commit where the model is known" + note if note else "; make remote code opt-in (a flag defaulting to False), or review it and pin `revision=` to a commit SHA"),
                    Severity.LOW if note else Severity.MEDIUM,
                    None,
                    "revision",
                )
            self._dicts.append((node, element, *judged))

    def leave_Module(self, original_node: libcst.Module) -> None:
        pending = [*self._calls, *(entry[1:] for entry in self._dicts if id(entry[0]) not in self._consumed)]
        for node, message, severity, repo, pin in pending:
            where = self.own_organisation(repo)
            if where is not None:
                severity = lower(severity)
                message += f" (the project's own organisation, from {where})"
            self.report(node, message, severity=severity, pin=pin)


def _is_text(value: Any) -> bool:
    """A string with words in it (a sentence, a help text), not an
    argument's value."""
    return isinstance(value, str) and len(value.split()) > 1


def _dict_loader(ctx: Any, keys: "dict[str, Any]") -> "Optional[tuple[str, Any, bool]]":
    """``hub_load``'s answer for a config dict whose ``type=`` is a Hub
    loader (``dict(type=AutoModel.from_pretrained,
    pretrained_model_name_or_path=NAME, ...)``); None otherwise."""
    func = keys.get("type")
    if func is None:
        return None
    registered = ctx.value(func)
    if isinstance(registered, str):
        # a registry name (mmpretrain registers transformers' Auto classes)
        if _auto_class_name(registered):
            return f"'{registered}'", _id_value(keys), True
        return None
    for name in sorted(ctx.qualnames(func)):
        if name in HUB_FUNCTIONS:
            return name, keys.get(HUB_FUNCTIONS[name][1]), True
        if name.endswith(".from_pretrained") and name.split(".", 1)[0] in HUB_LIBRARIES:
            return name, _id_value(keys), True
    if isinstance(func, cst.Attribute) and func.attr.value == "from_pretrained":
        shown = ".".join(p for p in (_tail(func.value), "from_pretrained") if p)
        return shown, _id_value(keys), False
    return None


#: keywords a model registry record names its repository with; `name` only
#: counts for an ``org/name`` value (elsewhere it is a display name)
_RECORD_ID_KEYWORDS = (*_ID_KEYWORDS, "hf_model_id", "hub_id", "name")


def _record_load(ctx: Any, node: Any) -> "Optional[tuple[str, Any, bool]]":
    """``hub_load``'s answer for a call that is not a load but describes one:
    beside the ``{"trust_remote_code": True}`` arguments it names a Hub
    repository by keyword (``ModelMeta(name="org/model", revision=SHA,
    loader=..., loader_kwargs={"trust_remote_code": True})``, as model
    registries such as mteb write them). The record is judged as the load
    of that repository at that revision; None when it names none."""
    for key in _RECORD_ID_KEYWORDS:
        present, value = ctx.keyword(node, key)
        if not present:
            continue
        name, exact = hub_id_value(ctx, value)
        if name is None or (key == "name" and not (exact and _looks_like_repo_id(name))):
            continue
        return _call_name(node), value, True
    return None


def _looks_like_repo_id(name: str) -> bool:
    """``org/name``: two non-empty parts of the characters Hub ids use."""
    parts = name.split("/")
    return len(parts) == 2 and all(p and len(p) <= 96 and all(c.isalnum() or c in "-_." for c in p) for p in parts)


def _id_value(keys: "dict[str, Any]") -> Any:
    return next((keys[k] for k in (*_ID_KEYWORDS, "name_or_path") if k in keys), None)



def _auto_class_name(name: str) -> bool:
    """``AutoModelForCausalLM``, ``transformers.AutoTokenizer``: a
    transformers Auto class by the name a config registry knows it by."""
    if name.startswith("transformers."):
        name = name[len("transformers."):]
    return name.startswith("Auto") and name[4:5].isupper() and name.isidentifier()


def _is_dict_call(ctx: Any, node: Any) -> bool:
    """``dict(...)``, the builtin (not an imported name)."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "dict"
        and "dict" not in ctx.imports.aliases
    )


def _call_name(node) -> str:
    func = node.func
    parts = []
    while isinstance(func, cst.Attribute):
        parts.append(func.attr.value)
        func = func.value
    if isinstance(func, cst.Name):
        parts.append(func.value)
    elif parts:
        parts.append("…")
    return ".".join(reversed(parts[:2])) if parts else "call"
