from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

import fnmatch
import re
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from mlwarden.core.context import lower
from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN

# ---------------------------------------------------------------------------
# Hub helpers shared by the MLW2xx rules (MLW201 imports them from here).

#: The only revision that is a pin: a full, lower-case commit SHA.
FULL_SHA_RE = re.compile(r"[0-9a-f]{40}")
_SHORT_SHA_RE = re.compile(r"[0-9a-fA-F]{7,40}")
#: A Hugging Face repo id: ``name`` or ``org/name``.
_HUB_ID_RE = re.compile(r"[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9_][\w.-]*)?")
_FILE_SUFFIXES = (
    ".bin", ".pt", ".pth", ".ckpt", ".safetensors", ".json", ".yaml", ".yml", ".txt", ".csv", ".tsv",
    ".parquet", ".arrow", ".py", ".gguf", ".onnx", ".h5", ".pkl", ".zip", ".tar", ".gz", ".jsonl", ".npz", ".npy",
)

#: Top-level packages whose ``X.from_pretrained(id)`` downloads from the Hub.
HUB_LIBRARIES = frozenset(
    {
        "transformers", "diffusers", "sentence_transformers", "peft", "optimum", "huggingface_hub", "setfit",
        "span_marker", "timm", "open_clip", "trl", "adapters", "gliner", "tokenizers", "unsloth", "auto_gptq",
        "awq", "controlnet_aux", "flair", "bitsandbytes", "accelerate", "lerobot", "transformers_neuronx",
        # ModelScope's own `Model.from_pretrained` and its transformers wrappers
        # (`modelscope.AutoModel`, ...) download from modelscope.cn
        "modelscope",
    }
)

#: ``datasets.load_dataset`` builder names that read local/packaged data.
PACKAGED_BUILDERS = frozenset(
    {
        "csv", "json", "parquet", "text", "arrow", "pandas", "sql", "xml", "generator", "imagefolder",
        "audiofolder", "videofolder", "webdataset", "spark", "cache", "folder_based_builder", "pdffolder", "hdf5",
        "niftifolder", "eval",
    }
)

#: Keyword names under which hub loaders take the repo id (after position 0).
_ID_KEYWORDS = ("pretrained_model_name_or_path", "model_name_or_path", "model_id", "model_name", "repo_id", "path", "model", "identifier")

#: function -> (position of the repo id, its keyword)
HUB_FUNCTIONS: Dict[str, Tuple[int, str]] = {
    "huggingface_hub.hf_hub_download": (0, "repo_id"),
    "huggingface_hub.snapshot_download": (0, "repo_id"),
    "huggingface_hub.hf_hub_url": (0, "repo_id"),
    "huggingface_hub.file_download.hf_hub_download": (0, "repo_id"),
    "huggingface_hub._snapshot_download.snapshot_download": (0, "repo_id"),
    "datasets.load_dataset": (0, "path"),
    "datasets.load_dataset_builder": (0, "path"),
    "transformers.pipeline": (1, "model"),
    "sentence_transformers.SentenceTransformer": (0, "model_name_or_path"),
    "sentence_transformers.CrossEncoder": (0, "model_name_or_path"),
    "sentence_transformers.SparseEncoder": (0, "model_name_or_path"),
    "sentence_transformers.cross_encoder.CrossEncoder": (0, "model_name"),
    "vllm.LLM": (0, "model"),
    # every evaluate module (metric, comparison, measurement) is a Python script it downloads and imports
    "evaluate.load": (0, "path"),
    "evaluate.loading.load": (0, "path"),
}

#: ModelScope's loaders (checked against modelscope 1.40.2): function ->
#: (position of the id, its keyword, the revision's keyword, the revision's
#: position or -1 when it is keyword-only or past ``**kwargs``).
MODELSCOPE_FUNCTIONS: Dict[str, Tuple[int, str, str, int]] = {}
for _names, _spec in (
    (("snapshot_download", "hub.snapshot_download.snapshot_download"), (0, "model_id", "revision", 1)),
    (("dataset_snapshot_download", "hub.snapshot_download.dataset_snapshot_download"), (0, "dataset_id", "revision", 1)),
    (("model_file_download", "hub.file_download.model_file_download"), (0, "model_id", "revision", 2)),
    (("dataset_file_download", "hub.file_download.dataset_file_download"), (0, "dataset_id", "revision", -1)),
    (("pipeline", "pipelines.pipeline", "pipelines.builder.pipeline"), (1, "model", "model_revision", -1)),
    (("MsDataset.load", "msdatasets.MsDataset.load", "msdatasets.ms_dataset.MsDataset.load"), (0, "dataset_name", "version", -1)),
):
    for _name in _names:
        MODELSCOPE_FUNCTIONS["modelscope." + _name] = _spec
        HUB_FUNCTIONS["modelscope." + _name] = _spec[:2]
#: every keyword a loader takes its revision under (for ``ast`` gates)
REVISION_KEYWORDS = frozenset({"revision", "model_revision", "version"})


def hub_name(target: str) -> str:
    """The hub a load reads from, for messages."""
    return "ModelScope" if target.startswith("modelscope.") else "the Hugging Face Hub"


def revision_arg(ctx: Any, node: Any, target: str) -> Tuple[Optional[bool], Any, str]:
    """``(present, expression, keyword)`` of a load's revision: ModelScope's
    pipelines take ``model_revision=``, ``MsDataset.load`` ``version=``, its
    downloads also take the revision by position."""
    spec = MODELSCOPE_FUNCTIONS.get(target)
    keyword = spec[2] if spec else "revision"
    present, value = ctx.keyword(node, keyword)
    if not present and spec and spec[3] >= 0:
        positional = ctx.arg(node, spec[3])
        if positional is not None:
            return True, positional, keyword
    return present, value, keyword

#: Functions that take ``hf_hub:``/``hf-hub:`` model names (no ``revision``).
HUB_PREFIX_FUNCTIONS = frozenset(
    {
        "timm.create_model",
        "timm.models.create_model",
        "open_clip.create_model",
        "open_clip.create_model_and_transforms",
        "open_clip.create_model_from_pretrained",
        "open_clip.get_tokenizer",
    }
)
_HUB_PREFIXES = ("hf_hub:", "hf-hub:")


def revision_problem(revision: str) -> Optional[str]:
    """None when ``revision`` is a pin, else why it is not (for messages)."""
    if FULL_SHA_RE.fullmatch(revision):
        return None
    if _SHORT_SHA_RE.fullmatch(revision):
        if len(revision) == 40:
            return "which is not a lower-case commit SHA"
        return "a short commit SHA, which is not a pin"
    if revision.startswith("refs/pr/"):
        return "a pull-request ref that its author can update"
    if revision in ("main", "master") or revision.startswith("refs/heads/"):
        return "a branch that moves"
    return "a branch or tag name that can be moved"


def display_target(target: str) -> str:
    """``transformers.AutoModel.from_pretrained`` -> ``AutoModel.from_pretrained``."""
    if target.endswith(".from_pretrained"):
        return ".".join(target.split(".")[-2:])
    return target


def is_local_path(name: str, unit: Any = None, config: Any = None) -> bool:
    """A model/dataset name that points at the file system, not the Hub."""
    if not name or name in (".", ".."):
        return True
    if name.startswith(("./", "../", "/", "~", "\\", ".\\", "..\\", "file:")) or "\\" in name:
        return True
    if re.match(r"[A-Za-z]:[\\/]", name):
        return True
    if name.endswith("/") or name.count("/") > 1:
        return True
    if name.lower().endswith(_FILE_SUFFIXES):
        return True
    return existing_directory(name, unit, config)


def existing_directory(name: str, unit: Any = None, config: Any = None) -> bool:
    """``name`` is a directory next to the checked file or under the project root."""
    bases: List[Path] = []
    path = getattr(unit, "path", None)
    if path and not str(path).startswith("<"):
        bases.append(Path(path).parent)
    root = getattr(config, "root", None)
    if root is not None:
        bases.append(Path(root))
    for base in bases:
        try:
            if (base / name).is_dir():
                return True
        except (OSError, ValueError):
            continue
    return False


def local_script_name(name: str) -> bool:
    """A bare ``load_dataset`` name (no ``org/`` namespace) whose words say
    it is a loading script (``"qa_loading_script"``, ``"scripts-wiki"``)."""
    if "/" in name:
        return False
    return any(word in ("script", "scripts") for word in re.split(r"[^a-z0-9]+", name.lower()))


def looks_like_hub_id(name: str) -> bool:
    return bool(_HUB_ID_RE.fullmatch(name)) and ".." not in name and "--" not in name


def is_trusted(name: str, patterns: Any) -> bool:
    """``name`` matches one of the ``trusted-models`` globs (``my-org/*``)."""
    repo = name
    for prefix in _HUB_PREFIXES:
        if repo.startswith(prefix):
            repo = repo[len(prefix):]
    repo = repo.split("@", 1)[0]
    return any(fnmatch.fnmatchcase(repo, pattern) for pattern in patterns or ())


def leading_text(ctx: Any, expr: Any) -> Optional[str]:
    """The statically known beginning of a string expression: a literal or
    constant (all of it), an f-string up to its first placeholder, the left
    side of ``+``, the template of ``"...".format()`` / ``"..." % x``."""
    if expr is None:
        return None
    value = ctx.value(expr)
    if isinstance(value, str):
        return value
    if isinstance(expr, cst.FormattedString):
        text = ""
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                text += part.value
            else:
                break
        return text
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Modulo)):
        return leading_text(ctx, expr.left)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "format":
        return leading_text(ctx, expr.func.value)
    return None


def trailing_text(ctx: Any, expr: Any) -> Optional[str]:
    """The statically known end of a string expression (:func:`leading_text`'s
    twin): a literal or constant, an f-string's text after its last
    placeholder, the right side of ``+``, the template of ``"...".format()``."""
    value = ctx.value(expr)
    if isinstance(value, str):
        return value
    if isinstance(expr, cst.FormattedString):
        last = expr.parts[-1] if expr.parts else None
        return last.value if isinstance(last, cst.FormattedStringText) else ""
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return trailing_text(ctx, expr.right)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "format":
        return trailing_text(ctx, expr.func.value)
    return None


def known_ending(ctx: Any, expr: Any) -> Optional[str]:
    """The literal end of a file name whose beginning is chosen at run time:
    the last text of an f-string (``f"{rev}/{name}.py"`` -> ``".py"``), or
    the right side of ``a + ".pkl"``; None when the end is not literal."""
    if isinstance(expr, cst.FormattedString) and expr.parts and isinstance(expr.parts[-1], cst.FormattedStringText):
        return expr.parts[-1].value
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return string_value(ctx, expr.right)
    return None


def string_value(ctx: Any, expr: Any, _depth: int = 0) -> Optional[str]:
    """A string known statically: a literal or constant, an f-string whose
    placeholders are constants (``f"org/repo:{SHA}"``), or ``a + b`` of such."""
    if expr is None or _depth > 8:
        return None
    value = ctx.value(expr)
    if isinstance(value, str):
        return value
    if isinstance(expr, cst.FormattedString):
        out = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
                continue
            if part.conversion is not None or part.format_spec is not None:
                return None
            inner = ctx.value(part.expression)
            if not isinstance(inner, (str, int)) or isinstance(inner, bool):
                return None
            out.append(str(inner))
        return "".join(out)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        left = string_value(ctx, expr.left, _depth + 1)
        right = string_value(ctx, expr.right, _depth + 1) if left is not None else None
        return left + right if right is not None else None
    return None


def hub_id_value(ctx: Any, expr: Any) -> Tuple[Optional[str], bool]:
    """``(name, exact)``: the repo id (exact for literals/constants; for an
    f-string like ``f"org/{name}"`` the text with placeholders as ``x``), or
    ``(None, False)`` when it is not statically known."""
    if expr is None:
        return None, False
    value = string_value(ctx, expr)
    if isinstance(value, str):
        return value, True
    if isinstance(expr, cst.FormattedString) and expr.parts and isinstance(expr.parts[0], cst.FormattedStringText):
        text = "".join(p.value if isinstance(p, cst.FormattedStringText) else "x" for p in expr.parts)
        return text, False
    return None, False


class ParamDefaults:
    """Mixin: follow a name to the literal default of a parameter of the
    enclosing function (``def load(name, revision="main")``)."""

    def _param_stack(self) -> List[Dict[str, Any]]:
        stack = self.__dict__.get("_params")
        if stack is None:
            stack = self.__dict__["_params"] = []
        return stack

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        params = node.params
        scope: Dict[str, Any] = {}
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            scope[p.name.value] = p.default
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope[star.name.value] = None
        self._param_stack().append(scope)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        stack = self._param_stack()
        if stack:
            stack.pop()

    def resolve(self, expr: Any) -> object:
        """``ctx.value``, but a parameter name gives its literal default."""
        if isinstance(expr, cst.Name):
            for scope in reversed(self._param_stack()):
                if expr.value in scope:
                    default = scope[expr.value]
                    return self.ctx.value(default) if default is not None else UNKNOWN
        value = self.ctx.value(expr)
        if value is UNKNOWN and isinstance(expr, (cst.FormattedString, cst.BinaryOperation)):
            text = string_value(self.ctx, expr)
            return text if text is not None else UNKNOWN
        return value


def hub_load(ctx: Any, node: Any) -> Optional[Tuple[str, Any, bool]]:
    """``(display name, repo-id expression, strict)`` when ``node`` is a call
    that loads from the Hugging Face Hub; ``strict`` means the callee is a
    known Hub library (a bare name such as ``"gpt2"`` is then a Hub id)."""
    func = node.func
    names = ctx.qualnames(func)
    for name in sorted(names):
        if name in HUB_FUNCTIONS:
            pos, keyword = HUB_FUNCTIONS[name]
            id_expr = ctx.arg(node, pos, keyword)
            if id_expr is None and name.endswith("snapshot_download") and name.startswith("modelscope."):
                id_expr = ctx.arg(node, -1, "repo_id")  # ModelScope's snapshots also take `repo_id=`
            return name, id_expr, True
        if name.endswith(".from_pretrained"):
            root = name.split(".", 1)[0]
            if root in HUB_LIBRARIES:
                owner = name.split(".")[-2]
                if root == "peft" and owner.startswith(("PeftModel", "PeftMixedModel")):
                    return name, ctx.arg(node, 1, "model_id"), True
                return name, _id_arg(ctx, node), True
    if isinstance(func, cst.Attribute) and func.attr.value == "from_pretrained":
        # a receiver we cannot resolve (self.model_class, a local class, …)
        shown = ".".join(p for p in (_tail(func.value), "from_pretrained") if p)
        return shown, _id_arg(ctx, node), False
    return None


def dotted_parts(expr: Any) -> List[str]:
    """``c.ServerApp.token`` -> ["c", "ServerApp", "token"]; [] otherwise."""
    parts: List[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return []
    parts.append(expr.value)
    return parts[::-1]


def _tail(expr: Any) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return ""


def _id_arg(ctx: Any, node: Any) -> Any:
    for keyword in _ID_KEYWORDS:
        present, value = ctx.keyword(node, keyword)
        if present:
            return value
    return ctx.arg(node, 0)


def hub_prefix_load(ctx: Any, node: Any) -> Optional[Tuple[str, str]]:
    """``(function, "hf_hub:org/name[@rev]")`` for timm/open_clip Hub names."""
    target = ctx.call_to(node, sorted(HUB_PREFIX_FUNCTIONS))
    if not target:
        return None
    value = string_value(ctx, ctx.arg(node, 0, "model_name"))
    if isinstance(value, str) and value.startswith(_HUB_PREFIXES):
        return target, value
    return None


# ---------------------------------------------------------------------------
# Risk of a hub load (the severity ladder of MLW202, shared with MLW201).

#: files whose loaders unpickle (or may run code)
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".dill", ".h5", ".hdf5", ".keras", ".npy", ".npz", ".py")
#: numpy files: pickled objects inside them are unpickled only with `allow_pickle=True`
NUMPY_SUFFIXES = (".npy", ".npz")
#: numpy's loaders: (file position and keyword, allow_pickle position and keyword)
NUMPY_LOADERS = {
    "numpy.load": ((0, "file"), (2, "allow_pickle")),
    "numpy.lib.npyio.load": ((0, "file"), (2, "allow_pickle")),
    "numpy.lib._npyio_impl.load": ((0, "file"), (2, "allow_pickle")),
}
#: files that are data only: parsing them runs no code
DATA_SUFFIXES = (
    ".safetensors", ".json", ".txt", ".md", ".yaml", ".yml", ".model", ".tiktoken", ".vocab", ".merges", ".csv", ".tsv",
    ".parquet", ".arrow", ".jsonl", ".png", ".jpg", ".jpeg", ".wav", ".mp3", ".flac", ".gguf", ".onnx", ".spm",
)
#: ``X.from_pretrained`` classes that read configuration or vocabulary files only
_DATA_ONLY_CLASS_RE = re.compile(r"(Tokenizer(Fast)?|Config|Processor|FeatureExtractor|ImageProcessor|Scheduler)$")
#: calls that publish to a Hub repository: function/method name -> (position, keyword) of the repo id
PUBLISHERS: Dict[str, Tuple[int, str]] = {
    "push_to_hub": (0, "repo_id"),
    "create_repo": (0, "repo_id"),
    "upload_folder": (-1, "repo_id"),
    "upload_file": (-1, "repo_id"),
    "upload_large_folder": (-1, "repo_id"),
}


def owner_of(ctx: Any, expr: Any) -> Optional[str]:
    """The organisation of a repo id expression: ``"org/x"``, ``ORG + "/x"``,
    ``f"{ORG}/{name}"`` with ``ORG`` a constant; None when not static."""
    from mlwarden.core.owner import repo_owner

    if expr is None:
        return None
    value = string_value(ctx, expr)
    if isinstance(value, str):
        return repo_owner(value)
    text = ""
    if isinstance(expr, cst.FormattedString):
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                text += part.value
            else:
                inner = ctx.value(part.expression)
                if not isinstance(inner, str):
                    break
                text += inner
            if "/" in text:
                break
    elif isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        text = leading_text(ctx, expr) or ""
    return repo_owner(text) if "/" in text else None


class PublishedOwners:
    """Mixin: the organisations the checked file publishes to (``push_to_hub``
    targets, ``hub_model_id=``, ``create_repo``/``upload_folder`` repo ids),
    collected on every call; rules that report on the Hub defer their
    reports to ``leave_Module`` so that a later push counts too."""

    #: a push anywhere in the file counts (also outside the pieces the
    #: rule's triggers fire in): such a file is seen whole
    module_words = frozenset({*PUBLISHERS, "hub_model_id"})

    def _published(self) -> Dict[str, str]:
        found = self.__dict__.get("_published_orgs")
        if found is None:
            found = self.__dict__["_published_orgs"] = {}
        return found

    def note_publisher(self, node: Any) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        exprs = []
        if name in PUBLISHERS:
            pos, keyword = PUBLISHERS[name]
            exprs.append(self.ctx.arg(node, pos, keyword) if pos >= 0 else self.ctx.keyword(node, keyword)[1])
        for keyword in ("hub_model_id", "push_to_hub_model_id"):
            present, value = self.ctx.keyword(node, keyword)
            if present:
                exprs.append(value)
        for expr in exprs:
            org = owner_of(self.ctx, expr)
            if org:
                self._published().setdefault(org, "a `push_to_hub` target in this file")

    def own_organisation(self, repo_id: Optional[str]) -> Optional[str]:
        """Where the owner of ``repo_id`` was found to be the project's own, or None."""
        from mlwarden.core.owner import project_owners, repo_owner

        if not repo_id:
            return None
        org = repo_owner(repo_id)
        if org is None:
            return None
        if org in self._published():
            return self._published()[org]
        try:
            return project_owners(self.config, self.unit.path).orgs.get(org)
        except Exception:  # an unreadable project file must never hide a finding
            return None


def datasets_risk(config: Any, unit: Any) -> Tuple[Severity, str]:
    """Severity of an unpinned ``load_dataset`` from the project's datasets pins."""
    try:
        from mlwarden.core.versions import project_versions

        low = project_versions(config, unit.path).minimum("datasets")
    except Exception:
        low = None
    if low is not None and low.major >= 4:
        return Severity.LOW, "datasets >= 4 runs no dataset scripts"
    if low is not None and low.major < 3:
        return Severity.HIGH, f"this project allows datasets {low}, which runs dataset scripts from the repository"
    return Severity.MEDIUM, ""


# ---------------------------------------------------------------------------


class UnpinnedHubRevision(PublishedOwners, ParamDefaults, CodeRule):
    """## What it does
    Flags downloads from the Hugging Face Hub that are not pinned to a full
    40-character commit SHA: `from_pretrained` of transformers, diffusers,
    sentence-transformers, peft, timm, tokenizers, … classes,
    `pipeline(model=...)`, `SentenceTransformer(...)`, `hf_hub_download`,
    `snapshot_download`, `hf_hub_url`, `load_dataset`, vLLM `LLM(...)`,
    `evaluate.load` of a community module, and timm / open_clip `hf_hub:` /
    `hf-hub:` model names; and the same loads from ModelScope (see below).

    Only `revision="<40 lower-case hex digits>"` is a pin. A branch
    (`"main"`), a tag (`"v1.0"`), a pull-request ref (`"refs/pr/3"`) and a
    short SHA are not, and the message says which one it found.

    ## Why is this bad?
    A Hub repository is mutable: its owner, anyone who takes over the account
    or a leaked write token can push new weights, tokenizer files or remote
    code under the same name, and every unpinned download picks them up on
    the next cache miss. Branches and tags move; a short SHA is resolved by
    prefix. A full commit SHA is the only reference that always names the
    same files.

    ## Severity
    From what the load can do when the repository changes under you:
    - **high** when it can run code: `trust_remote_code=True` in the same
      call, `use_safetensors=False`, an `hf_hub_download` of a pickle-capable
      file (`.bin`, `.pt`, `.pth`, `.ckpt`, `.pkl`, `.joblib`, `.h5`,
      `.py`, …; also when only the name's end is literal, as in
      `f"{version}/{name}.py"`), `load_dataset` in a project whose pins allow
      `datasets < 3` (which runs dataset scripts without asking), or
      `evaluate.load("org/name")` (every evaluate module is a Python script
      that the call imports, with no opt-in);
    - **medium** for other model, pipeline and dataset loads (weights may
      be pickles; data and tokenizer templates can be swapped);
    - a `.npy`/`.npz` file holds pickled objects that run code only when
      its reader passes `allow_pickle=True` (numpy's default is `False`),
      so it is ranked by its reader where that is visible: **low** when the
      downloaded path goes only into `numpy.load` without `allow_pickle`
      (nested, `np.load(hf_hub_download(...))`, or through a local name of
      the same function bound once and used nowhere else, nested functions
      included), **high** when such a reader passes an `allow_pickle` that
      may be true (or `**kwargs`), and **medium** otherwise (returned,
      passed on, rebound, or a module-level name whose reader is another
      statement or cell: another reader may opt in to pickle);
    - **low** when it reads data files only: `use_safetensors=True`,
      tokenizer, config, processor, feature-extractor and scheduler classes
      (`AutoTokenizer`, `AutoConfig`, `CLIPTokenizer`, `DDIMScheduler`, …),
      `hf_hub_download` of a `.safetensors`/`.json`/`.txt`/`.gguf`/… file,
      `snapshot_download(allow_patterns=...)` of such files only, and
      `load_dataset` when the project requires `datasets >= 4` (no scripts),
      and `evaluate.load("accuracy")` of a canonical module (Hugging Face's
      `evaluate-metric` organisation, at the tag of the installed evaluate);
    - **low** for `load_dataset` of a bare name (no `org/` namespace) whose
      words say it is a loading script (`"retrieval_loading_script"`,
      `"scripts-squad"`: a `script`/`scripts` word): `datasets` reads such a
      name from a folder of that name in the working directory and only
      otherwise asks the Hub, where no account can create an un-namespaced
      repository (bare names are Hugging Face's legacy canonical datasets),
      so nobody can publish a dataset under it (since session 11b; other
      bare names, `load_dataset("imdb")`, stay medium: a canonical dataset
      still changes with its repository).

    A run-time model id (reported only with a literal `revision`, or with
    `check-dynamic-ids`) is at most medium.

    Then one step lower when the repository belongs to the project's own
    organisation (the owner of its git remote or project URLs, an
    organisation spelled as the project is named, `owner-orgs`, or a
    `push_to_hub` target in the same file; see `docs/context.md`), and
    low in tests, docs, examples and tutorial notebooks. `trusted-models`
    still exempts a repository completely.

    **Low as a repeat**: when MLW201 reports remote code at the same call at
    the same or a higher severity and its message already says to pin the
    revision keyword this finding names (`from_pretrained("org/m",
    trust_remote_code=True)` with no `revision`), this finding repeats that
    advice: it is low, with "(lowered: repeats the MLW201 finding at this
    call, ...)" in its message, and `--severity low` still shows it. Fix the
    MLW201 finding (pin the commit, or drop remote code) and this one goes
    with it. Not lowered when MLW201 is off for the file
    (`per-file-ignores`) or under `--no-context`, is lower, or asks only for
    `code_revision=`.

    ## ModelScope
    ModelScope (`modelscope`, modelscope.cn) hosts git repositories like the
    Hugging Face Hub: a revision is a branch (the default is `master`), a
    tag (`v1.0.2`, `v2.0.4`: the convention of its model cards) or a commit
    id. Only a full 40-hex commit id is a pin; a tag is reported like a
    branch ("a branch or tag name that can be moved") because the
    repository owner can delete and re-create it, although a release tag is
    a weaker risk than following `master`. The loaders checked (names as
    modelscope 1.40 exports them; aliases such as `import modelscope as ms`
    resolve):

    | Loader | Id | Revision keyword | Severity when unpinned |
    | --- | --- | --- | --- |
    | `snapshot_download`, `hub.snapshot_download.snapshot_download` | `model_id` (1st) | `revision` (or 2nd) | medium; low with `allow_patterns`/`allow_file_pattern` of data files only |
    | `dataset_snapshot_download` | `dataset_id` (1st) | `revision` (or 2nd) | as above |
    | `model_file_download`, `hub.file_download.model_file_download` | `model_id` (1st) | `revision` (or 3rd) | by `file_path` (2nd): high for pickle-capable files, low for data files, else medium |
    | `dataset_file_download` | `dataset_id` (1st) | `revision` | as above |
    | `pipeline`, `pipelines.pipeline` | `model` (2nd) | `model_revision` | medium |
    | `MsDataset.load` | `dataset_name` (1st), with a literal `namespace` | `version` | low (data files) |
    | `X.from_pretrained` of `modelscope` classes (`AutoModel`, `AutoTokenizer`, `AutoModelForCausalLM`, `Model`, …) | 1st | `revision` | as for transformers classes |

    Any of them with `trust_remote_code=True` is high, and MLW201 reports the
    remote code; the message names ModelScope and the keyword to pin
    (`model_revision=` for a pipeline, `version=` for `MsDataset.load`).

    ## Example
    ```python
    from transformers import AutoModel

    model = AutoModel.from_pretrained("bigscience/bloom-560m", revision="main")
    ```

    ## Use instead
    ```python
    from transformers import AutoModel

    model = AutoModel.from_pretrained(
        "bigscience/bloom-560m",
        revision="ac2ae5fab2ce3f9f40dc79b5ca9f637430d24971",
    )
    ```

    ## Options
    `trusted-models` (list of globs, default `[]`): repos exempt from this
    rule, e.g. `trusted-models = ["my-org/*", "gpt2"]`.

    `check-dynamic-ids` (default `false`): also report calls of a known Hub
    library whose model id is computed at run time (`args.model_name_or_path`).

    Which calls count as Hub loads:
    - the repo id must be statically known: a literal, a module-level
      constant, or an f-string that starts with literal text
      (`f"unsloth/{name}-GGUF"`). Local paths are not Hub loads: names
      starting with `./`, `../`, `/`, `~`, a drive letter, names with more
      than one `/`, file names (`model.bin`) and names of directories that
      exist next to the checked file or under the project root.
    - a `revision` held in a module-level constant or in the literal default
      of the enclosing function's parameter (`def load(revision="main")`) is
      followed; any other expression (`revision=args.revision`) is treated
      as the project's own pinning mechanism and not reported.
    - `X.from_pretrained(...)` where `X` resolves to an import from a Hub
      library (transformers, diffusers, peft, …) treats any non-local name
      as a Hub id, including bare names such as `"gpt2"`. When `X` cannot be
      resolved (`self.model_class.from_pretrained`, a class defined in the
      project), the call is checked only when its first argument is a literal
      `"org/name"` id.
    - `local_files_only=True` is not a download; `**kwargs` that may carry a
      `revision` are given the benefit of the doubt.
    - `load_dataset` of a packaged builder (`"csv"`, `"json"`, `"parquet"`,
      `"imagefolder"`, …) or of a local script reads local data.

    ## References
    - [Hugging Face: Download files from the Hub (revision)](https://huggingface.co/docs/huggingface_hub/en/guides/download)
    - [ModelScope (the `modelscope` library)](https://github.com/modelscope/modelscope)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [OWASP LLM03:2025 Supply Chain](https://genai.owasp.org/llmrisk/llm032025-supply-chain/)
    """

    id = "MLW202"
    name = "unpinned-hub-revision"
    severity = Severity.MEDIUM
    cwe = (494, 829)
    owasp = ("ML06:2023", "LLM03:2025")
    message = "`from_pretrained` downloads from the Hugging Face Hub without a pinned revision; pass `revision=` a full 40-hex commit SHA"
    OPTIONS = {"trusted-models": [], "check-dynamic-ids": False}
    # qualified triggers (the file must use every component as code, see
    # engine.trigger_groups): importing `huggingface_hub` for something else
    # no longer wakes the rule. `from_pretrained` stays a plain word because
    # `self.x.from_pretrained("org/name")` is checked without an import.
    triggers = frozenset({"from_pretrained", *HUB_FUNCTIONS, *HUB_PREFIX_FUNCTIONS})

    SHA = "ac2ae5fab2ce3f9f40dc79b5ca9f637430d24971"
    VALID = [
        Valid(f"from transformers import AutoModel\nAutoModel.from_pretrained('gpt2', revision='{SHA}')"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('./checkpoints/best')"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('/models/llama')"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('my-org/private-model')", options={"trusted-models": ["my-org/*"]}),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained(args.model_name_or_path)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/name', local_files_only=True)"),
        Valid("from datasets import load_dataset\nload_dataset('csv', data_files='train.csv')"),
        Valid(f"from huggingface_hub import hf_hub_download\nREV = '{SHA}'\nhf_hub_download('org/name', 'model.safetensors', revision=REV)"),
        Valid("self.model_class.from_pretrained(model_dir)"),
        Valid("Model.from_pretrained('checkpoint')"),
        Valid(f"import timm\ntimm.create_model('hf_hub:timm/vit_base_patch16_224.augreg_in21k@{SHA}', pretrained=True)"),
        Valid("from transformers import AutoModel\ndef load(name, revision):\n    return AutoModel.from_pretrained('org/name', revision=revision)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/name', **kwargs)"),
        Valid("import evaluate\nmetric = evaluate.load('./metrics/span_f1')"),
        Valid(f"import evaluate\nmetric = evaluate.load('someone/span-f1', revision='{SHA}')"),
        Valid(f"from modelscope import snapshot_download\nsnapshot_download('qwen/Qwen2-7B', revision='{SHA}')"),
        Valid("from modelscope import snapshot_download\nsnapshot_download('./models/qwen')"),
        Valid(f"from modelscope.pipelines import pipeline\np = pipeline('asr', model='iic/paraformer', model_revision='{SHA}')"),
    ]
    INVALID = [
        Invalid("from transformers import AutoModel\nAutoModel.from_pretrained('bert-base-uncased')"),
        Invalid("import transformers as tf\ntf.AutoTokenizer.from_pretrained('org/name', revision='v1.0')"),
        Invalid("from transformers import AutoModel\nAutoModel.from_pretrained('org/name', revision='abc1234')"),
        Invalid("from transformers import pipeline\npipe = pipeline('text-generation', model='gpt2')"),
        Invalid("from huggingface_hub import snapshot_download\nsnapshot_download(repo_id='org/name', revision='refs/pr/1')"),
        Invalid("from datasets import load_dataset\nds = load_dataset('imdb')"),
        Invalid("from datasets import load_dataset\nds = load_dataset('passages_loading_script', data_files='p.json')"),
        Invalid("from sentence_transformers import SentenceTransformer\nm = SentenceTransformer('sentence-transformers/all-MiniLM-L6-v2')"),
        Invalid("from peft import PeftModel\nm = PeftModel.from_pretrained(base, 'org/lora-adapter')"),
        Invalid("import timm\nm = timm.create_model('hf_hub:timm/resnet50.a1_in1k', pretrained=True)"),
        Invalid("self.model_class.from_pretrained('org/name')"),
        Invalid("from huggingface_hub import hf_hub_download\nname = 'x'\nhf_hub_download(f'unsloth/{name}-GGUF', 'model.gguf')"),
        Invalid("from transformers import AutoModel\ndef load(name, revision='main'):\n    return AutoModel.from_pretrained(name, revision=revision)"),
        Invalid("from transformers import AutoModel\nAutoModel.from_pretrained(args.model_name_or_path)", options={"check-dynamic-ids": True}),
        Invalid("import evaluate as ev\nMETRIC = 'someone/span-f1'\nscorer = ev.load(METRIC)"),
        Invalid("from evaluate import load\nbleu = load('bleu')"),
        Invalid("import modelscope as ms\npath = ms.snapshot_download('qwen/Qwen2-7B', revision='v1.0.2')"),
        Invalid("from modelscope.hub.file_download import model_file_download\nf = model_file_download('org/name', 'pytorch_model.bin')"),
        Invalid("from modelscope.pipelines import pipeline\np = pipeline('asr', model='iic/paraformer', model_revision='v2.0.4')"),
        Invalid("from modelscope.msdatasets import MsDataset\nds = MsDataset.load('clue', subset_name='afqmc')"),
    ]

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding, or a publisher that lowers one
        (``push_to_hub("org/x")``), only where it calls a Hub loader whose
        revision is not hidden in opaque ``**kwargs`` (``cls.from_pretrained(
        name, **kwargs)``, most calls inside libraries, is never reported), or
        a timm/open_clip loader (whose ``hf_hub:`` name carries the revision),
        or a publisher."""
        import ast

        from mlwarden.core.sites import may_name

        loaders = frozenset(HUB_FUNCTIONS)
        prefixed = frozenset(HUB_PREFIX_FUNCTIONS)
        for sub in ast.walk(node):
            if type(sub) is not ast.Call:
                continue
            func = sub.func
            if publishes(sub):
                return True
            if may_name(func, facts, prefixed):
                return True
            if (type(func) is ast.Attribute and func.attr == "from_pretrained") or may_name(func, facts, loaders) or (
                type(func) is ast.Name and any(q.endswith(".from_pretrained") for q in facts.resolve(func.id).qualnames)
            ):
                if not _opaque_kwargs(sub, facts):
                    return True
        return False

    def visit_Call(self, node: libcst.Call) -> None:
        self.note_publisher(node)
        prefixed = hub_prefix_load(self.ctx, node)
        if prefixed:
            self._check_prefixed(node, *prefixed)
            return
        found = hub_load(self.ctx, node)
        if not found:
            return
        target, id_expr, strict = found
        if target == "transformers.pipeline" and id_expr is None:
            return  # the task's default model, pinned by transformers itself
        if self._truthy_keyword(node, "local_files_only"):
            return
        present, rev_expr, rev_keyword = revision_arg(self.ctx, node, target)
        if present is None:
            return  # **kwargs we cannot see into may carry the revision
        name, exact = hub_id_value(self.ctx, id_expr)
        if exact and name is not None and "/" not in name and target.endswith("MsDataset.load"):
            namespace = string_value(self.ctx, self.ctx.arg(node, 1, "namespace"))
            if isinstance(namespace, str) and namespace:
                name = f"{namespace}/{name}"
        revision: object = self.resolve(rev_expr) if present else None
        if present and revision is UNKNOWN:
            return  # a revision chosen at run time: the project's pinning mechanism
        if isinstance(revision, str) and revision_problem(revision) is None:
            return
        if name is None:
            if not (strict and (self.option("check-dynamic-ids") or isinstance(revision, str))):
                return
            shown = f"a run-time {self._repo_kind(node, target)} id"
        else:
            if exact and target.startswith(("datasets.", "modelscope.msdatasets.", "modelscope.MsDataset")) and (name in PACKAGED_BUILDERS or name.endswith(".py")):
                return
            if is_local_path(name, self.unit, self.config) or not looks_like_hub_id(name.replace("{", "").replace("}", "")):
                return
            if not strict and "/" not in name:
                return  # unresolved receiver: only "org/name" literals count
            if not exact and (isinstance(id_expr, cst.FormattedString) and "/" not in _static_head(id_expr)):
                return  # f"{out_dir}/model": the organisation is not literal
            if is_trusted(name, self.option("trusted-models")):
                return
            shown = f"`{name}`" if exact else f"`{self.ctx.module.code_for_node(id_expr)}`"
        severity, why = self._risk(node, target)
        if name is not None and exact and target.startswith("datasets.") and local_script_name(name):
            severity = Severity.LOW
            why = (
                "a bare name that reads as a local loading script: `datasets` reads it from a folder of that name in the "
                "working directory, and no account can create an un-namespaced dataset on the Hub"
            )
        if name is None and severity is Severity.HIGH:
            severity = Severity.MEDIUM  # a run-time model: what it can run is MLW201's opt-in finding
        repo: Optional[str] = name if exact else None
        if not exact and name is not None:  # f"org/{name}": the organisation is literal
            org = owner_of(self.ctx, id_expr)
            repo = f"{org}/x" if org else None
        # the keyword the message names (ModelScope's `model_revision=`; `revision=` on the Hugging Face Hub)
        pin = rev_keyword if hub_name(target) == "ModelScope" else "revision"
        self._pending.append((node, self._message(target, shown, revision, why, rev_keyword), severity, repo, pin))

    def _repo_kind(self, node: libcst.Call, target: str) -> str:
        """What the repository holds: "dataset" for `datasets` loads and a
        literal `repo_type="dataset"`, "Space" for `repo_type="space"`."""
        if target.startswith("datasets.") or "dataset" in target.rsplit(".", 1)[-1].lower() or target.endswith("MsDataset.load"):
            return "dataset"
        present, expr = self.ctx.keyword(node, "repo_type")
        kind = self.resolve(expr) if present else None
        return {"dataset": "dataset", "space": "Space"}.get(kind, "model") if isinstance(kind, str) else "model"

    @property
    def _pending(self) -> list:
        pending = self.__dict__.get("_pending_reports")
        if pending is None:
            pending = self.__dict__["_pending_reports"] = []
        return pending

    def leave_Module(self, original_node: libcst.Module) -> None:
        for node, message, severity, repo, pin in self._pending:
            where = self.own_organisation(repo)
            if where is not None:
                severity = lower(severity)
                for hub in (" from the Hugging Face Hub", " from ModelScope"):
                    if hub in message:
                        message = message.replace(hub, f"{hub} (the project's own organisation, from {where})", 1)
                        break
            self.report(node, message, severity=severity, pin=pin)

    def _risk(self, node, target: str) -> Tuple[Severity, str]:
        """How bad an unpinned load is: high when it can run code, low when
        it reads data files only (see the rule's docs)."""
        if self._truthy_keyword(node, "trust_remote_code"):
            return Severity.HIGH, "and runs Python code from it (`trust_remote_code`)"
        present, value = self.ctx.keyword(node, "use_safetensors")
        if present:
            resolved = self.resolve(value)
            if resolved is not UNKNOWN and not resolved:
                return Severity.HIGH, "and reads pickle files (`use_safetensors=False`), which can run code"
            if resolved is not UNKNOWN and resolved:
                return Severity.LOW, ""
        if target.startswith("evaluate."):
            name, _exact = hub_id_value(self.ctx, self.ctx.arg(node, 0, "path"))
            if isinstance(name, str) and "/" not in name:
                return Severity.LOW, ""  # a canonical module: Hugging Face's evaluate-metric org, at the tag of the installed evaluate
            return Severity.HIGH, "and imports the module's Python script from it (every evaluate module is code)"
        if target.startswith("datasets."):
            severity, why = datasets_risk(self.config, self.unit)
            return severity, (f"and {why}" if why and severity is Severity.HIGH else "")
        if target.endswith(("MsDataset.load",)):
            return Severity.LOW, ""  # data files; a dataset script runs only with `trust_remote_code` (above)
        if target.endswith(("hf_hub_download", "hf_hub_url", "model_file_download", "dataset_file_download")):
            filename_expr = self.ctx.arg(node, 1, "file_path" if target.startswith("modelscope.") else "filename")
            filename = string_value(self.ctx, filename_expr)
            if isinstance(filename, str):
                lowered = filename.lower()
                if lowered.endswith(NUMPY_SUFFIXES):
                    return self._numpy_risk(node, filename)
                if lowered.endswith(PICKLE_SUFFIXES):
                    return Severity.HIGH, f"and `{filename}` is a format that can run code when loaded"
                if lowered.endswith(DATA_SUFFIXES):
                    return Severity.LOW, ""
            ending = known_ending(self.ctx, filename_expr)
            if ending is not None and ending.lower().endswith(PICKLE_SUFFIXES):
                # `f"{version}/{name}.py"`: the name is chosen at run time, the format is not
                shown = self.ctx.module.code_for_node(filename_expr).strip()
                return Severity.HIGH, f"and `{shown}` is a format that can run code when loaded"
            return Severity.MEDIUM, ""
        if target.endswith("snapshot_download"):
            patterns = self._string_list(self.ctx.keyword(node, "allow_patterns")[1])
            if patterns is None and target.startswith("modelscope."):
                patterns = self._string_list(self.ctx.keyword(node, "allow_file_pattern")[1])
            if patterns and all(
                isinstance(p, str) and p.lower().endswith(DATA_SUFFIXES) for p in patterns
            ):
                return Severity.LOW, ""
            return Severity.MEDIUM, ""
        if target.endswith(".from_pretrained"):
            owner = target.split(".")[-2]
            if _DATA_ONLY_CLASS_RE.search(owner):
                return Severity.LOW, ""
        return Severity.MEDIUM, ""

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._functions().append(node)
        super().visit_FunctionDef(node)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        stack = self._functions()
        if stack:
            stack.pop()
        super().leave_FunctionDef(original_node)

    def _functions(self) -> List[Any]:
        stack = self.__dict__.get("_function_nodes")
        if stack is None:
            stack = self.__dict__["_function_nodes"] = []
        return stack

    def _numpy_risk(self, node, filename: str) -> Tuple[Severity, str]:
        """A `.npy`/`.npz` file holds pickled objects only for a loader that
        opts in with `allow_pickle=True`: high when a visible load does,
        low when every visible use is `numpy.load` without it, medium when
        the load is not visible here (see the rule's docs)."""
        verdict = numpy_loads(self.ctx, node, self._functions()[-1] if self._functions() else None, self.resolve)
        if verdict is True:
            return Severity.LOW, f"and `{filename}` is read only by `numpy.load` without `allow_pickle` (arrays, no code)"
        if verdict is False:
            return Severity.HIGH, f"and `{filename}` is read by `numpy.load` with `allow_pickle`, which can run code"
        return Severity.MEDIUM, f"and `{filename}` can hold pickled objects, which run code if it is loaded with `allow_pickle=True`"

    def _string_list(self, expr: Any) -> Optional[List[str]]:
        """A literal string or list/tuple of strings (constants followed)."""
        if isinstance(expr, cst.Name):
            expr = self.ctx.constants.values.get(expr.value, expr)
        single = string_value(self.ctx, expr)
        if isinstance(single, str):
            return [single]
        if isinstance(expr, (cst.List, cst.Tuple)):
            out = [string_value(self.ctx, e.value) for e in expr.elements if not isinstance(e, cst.StarredElement)]
            if len(out) == len(expr.elements) and all(isinstance(v, str) for v in out):
                return out  # type: ignore[return-value]
        return None

    def _message(self, target: str, shown: str, revision: object, why: str = "", keyword: str = "revision") -> str:
        func = display_target(target)
        why = f", {why}" if why else ""
        hub = hub_name(target)
        if hub == "ModelScope":
            if isinstance(revision, str):
                return f"`{func}` loads {shown} from ModelScope at revision `{revision}`, {revision_problem(revision)}{why}; pin `{keyword}=` to a full 40-hex commit id"
            return f"`{func}` loads {shown} from ModelScope without a pinned revision (it follows the `master` branch){why}; pass `{keyword}=` a full 40-hex commit id"
        if isinstance(revision, str):
            return f"`{func}` loads {shown} from {hub} at revision `{revision}`, {revision_problem(revision)}{why}; pin `revision=` to a full 40-hex commit SHA"
        return f"`{func}` loads {shown} from {hub} without a pinned revision{why}; pass `revision=` a full 40-hex commit SHA"

    def _check_prefixed(self, node, target: str, value: str) -> None:
        repo = value.split(":", 1)[1]
        repo_id, _, rev = repo.partition("@")
        if is_trusted(repo_id, self.option("trusted-models")):
            return
        if rev and revision_problem(rev) is None:
            return
        if target.startswith("timm."):
            advice = "append `@<40-hex commit SHA>` to the name"
        else:
            advice = "download a pinned snapshot with `snapshot_download(..., revision=<40-hex commit SHA>)` and load it from disk"
        state = f"at revision `{rev}`, {revision_problem(rev)}" if rev else "without a pinned revision"
        self._pending.append((node, f"`{target}` loads `{repo_id}` from the Hugging Face Hub {state}; {advice}", Severity.MEDIUM, repo_id, None))

    def _truthy_keyword(self, node, keyword: str) -> bool:
        present, value = self.ctx.keyword(node, keyword)
        if not present:
            return False
        resolved = self.resolve(value)
        return resolved is not UNKNOWN and bool(resolved)


def numpy_loads(ctx: Any, download: Any, function: Any, resolve: Callable[[Any], object]) -> Optional[bool]:
    """How the file a download returns is read, when that is visible:
    True when it goes straight into `numpy.load` without `allow_pickle`
    (`np.load(hf_hub_download(...))`), or is bound to a local name of the
    enclosing function that is bound once and used nowhere but as the file
    of such loads (nested functions included); False when such a load
    passes an `allow_pickle` that may be true; None otherwise (returned,
    passed on, stored, used at module level: another reader may unpickle)."""
    parents: Dict[int, Any] = {}
    root = function if function is not None else ctx.module
    stack = [root]
    while stack:
        current = stack.pop()
        for child in current.children:
            parents[id(child)] = current
            stack.append(child)
    if id(download) not in parents:
        return None
    verdict = _numpy_file_arg(ctx, download, parents, resolve)
    if verdict is not None:
        return verdict
    if function is None:
        return None  # module level: later statements (other pieces, cells) may read it too
    parent = parents[id(download)]
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        name = parent.targets[0].target.value
    elif isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
        name = parent.target.value
    else:
        return None
    verdicts: List[bool] = []
    bound = 0
    for sub in _descendants(function):
        if not isinstance(sub, cst.Name) or sub.value != name:
            continue
        up = parents.get(id(sub))
        if isinstance(up, cst.Attribute) and up.attr is sub:
            continue
        if isinstance(up, cst.Arg) and up.keyword is sub:
            continue
        if isinstance(up, cst.AssignTarget) or (isinstance(up, cst.AnnAssign) and up.target is sub):
            bound += 1
            continue
        if isinstance(up, (cst.Param, cst.Global, cst.Nonlocal, cst.NameItem, cst.AsName, cst.FunctionDef, cst.ClassDef, cst.ImportAlias)):
            return None  # rebound, shadowed or declared elsewhere
        verdict = _numpy_file_arg(ctx, sub, parents, resolve)
        if verdict is None:
            return None
        verdicts.append(verdict)
    if bound != 1 or not verdicts:
        return None
    return all(verdicts)


def _descendants(root: Any) -> Iterator[Any]:
    stack = [root]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _numpy_file_arg(ctx: Any, expr: Any, parents: Dict[int, Any], resolve: Callable[[Any], object]) -> Optional[bool]:
    """``expr`` is the file argument of a numpy loader call: True when its
    ``allow_pickle`` is omitted or known false, False when it may be true;
    None when ``expr`` is not such an argument."""
    arg = parents.get(id(expr))
    if not isinstance(arg, cst.Arg) or arg.star:
        return None
    call = parents.get(id(arg))
    if not isinstance(call, cst.Call):
        return None
    target = ctx.call_to(call, NUMPY_LOADERS)
    if not target:
        return None
    (file_pos, file_kw), (pickle_pos, pickle_kw) = NUMPY_LOADERS[target]
    if ctx.arg(call, file_pos, file_kw) is not expr:
        return None
    present, _ = ctx.keyword(call, pickle_kw)
    if present is None:
        return False  # **kwargs may carry allow_pickle=True
    value_expr = ctx.arg(call, pickle_pos, pickle_kw)
    if value_expr is None:
        return True
    value = resolve(value_expr)
    return value is not UNKNOWN and not value


def _static_head(expr: Any) -> str:
    text = ""
    for part in expr.parts:
        if not isinstance(part, cst.FormattedStringText):
            break
        text += part.value
    return text


def _opaque_kwargs(call: Any, facts: Any) -> bool:
    """Whether the ``ast`` call hides its ``revision`` in ``**name`` the
    rule cannot see into (``Context.keyword`` answers "cannot tell": the
    rule stays silent): no ``revision=`` written, and a ``**`` of a name that
    is no module constant, or of an attribute or subscript (``**self.kw``),
    which ``Context.value`` never reads."""
    import ast

    if any(kw.arg in REVISION_KEYWORDS for kw in call.keywords):
        return False
    return any(
        kw.arg is None and ((type(kw.value) is ast.Name and kw.value.id not in facts.constants) or type(kw.value) in (ast.Attribute, ast.Subscript))
        for kw in call.keywords
    )


def publishes(call: Any) -> bool:
    """Whether the ``ast`` call may be one :meth:`PublishedOwners.note_publisher`
    reads (a piece that holds one is kept for the rules that lower findings
    of the project's own organisation)."""
    import ast

    func = call.func
    name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
    return name in PUBLISHERS or any(kw.arg in ("hub_model_id", "push_to_hub_model_id") for kw in call.keywords)


def may_resolve_truthy(expr: Any, params: Dict[str, Any], facts: Any) -> bool:
    """Whether :meth:`ParamDefaults.resolve` may find the ``ast`` expression
    ``expr`` truthy, for a piece's ``site_gate`` (see :func:`may_resolve`)."""
    return may_resolve(expr, params, facts, lambda value: bool(value))


def may_resolve_falsy(expr: Any, params: Dict[str, Any], facts: Any) -> bool:
    """Whether :meth:`ParamDefaults.resolve` may find the ``ast`` expression
    ``expr`` falsy but not None (``use_safetensors=False``; None is "the
    default")."""
    return may_resolve(expr, params, facts, lambda value: value is not None and not value)


def may_resolve(expr: Any, params: Dict[str, Any], facts: Any, wanted: Callable[[object], bool], _depth: int = 0) -> bool:
    """Whether :meth:`ParamDefaults.resolve` may give the ``ast`` expression
    ``expr`` a value that ``wanted`` accepts: ``params`` maps the parameter
    names of the piece's functions to their defaults (None: no default). A
    superset: a module constant, or any expression ``ctx.value`` may
    compute, counts whatever its value."""
    import ast

    if _depth > 8:
        return True
    kind = type(expr)
    if kind is ast.Constant:
        return wanted(expr.value)
    if kind is ast.Name:
        if expr.id in ("True", "False", "None"):
            return wanted({"True": True, "False": False, "None": None}[expr.id])
        if expr.id in facts.constants:
            return True
        default = params.get(expr.id)
        return default is not None and may_resolve(default, params, facts, wanted, _depth + 1)
    if kind is ast.Call:  # only `dict(...)` has a value
        return type(expr.func) is ast.Name and expr.func.id == "dict"
    # a literal, an f-string or a `+`/`%` template (strings), `not x`, `-x`:
    # values the rule may compute; attributes, subscripts, other calls: unknown
    return kind in (ast.UnaryOp, ast.Dict, ast.JoinedStr, ast.BinOp, ast.List, ast.Tuple, ast.Set)


def keyword_values(call: Any, key: str, facts: Any) -> Iterator[Optional[Any]]:
    """The ``ast`` expressions :meth:`Context.keyword <mlwarden.core.names.Context.keyword>`
    may find for ``key`` in ``call``: the keyword, the value under that key
    of a ``**{...}`` literal; None for "anything" (``**CONST``, a module
    constant that cannot be read here)."""
    import ast

    for kw in call.keywords:
        if kw.arg == key:
            yield kw.value
        elif kw.arg is None:
            if type(kw.value) is ast.Dict:
                for k, v in zip(kw.value.keys, kw.value.values):
                    if k is None or (type(k) is ast.Constant and k.value == key) or (type(k) is ast.Name and k.id in facts.constants):
                        yield v if k is not None else None
            elif type(kw.value) is ast.Name and kw.value.id in facts.constants:
                yield None


def function_params(node: Any) -> Dict[str, Any]:
    """Every parameter of the functions in the ``ast`` ``node`` -> its
    default (None when it has none); a name with several keeps a default."""
    import ast

    params: Dict[str, Any] = {}
    for sub in ast.walk(node):
        if type(sub) in (ast.FunctionDef, ast.AsyncFunctionDef):
            args = sub.args
            positional = [*args.posonlyargs, *args.args]
            defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
            for arg, default in [*zip(positional, defaults), *zip(args.kwonlyargs, args.kw_defaults)]:
                if params.get(arg.arg) is None:
                    params[arg.arg] = default
    return params
