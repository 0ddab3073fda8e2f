from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core import lazyre
from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import UNKNOWN
from mlwarden.rules._helpers import keyword_arg
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

KEY = "use_safetensors"


class SafetensorsDisabled(ParamDefaults, CodeRule):
    """## What it does
    Flags `use_safetensors=False` (or another falsy value that is not `None`)
    in any call: transformers and diffusers `from_pretrained`,
    `save_pretrained` and pipelines. The argument is also found through a
    `**{...}` literal or a `**CONSTANT` dict.

    ## Why is this bad?
    `use_safetensors=False` forces the pickle-based `pytorch_model.bin` /
    `diffusion_pytorch_model.bin` weights even when a safetensors file is
    available. Loading a pickle runs any code its author embedded
    (CWE-502), while safetensors files hold only tensors. `None` (the
    default) prefers safetensors and is not flagged.

    ## Severity
    High where the call loads weights (`from_pretrained`, `load_…`, a
    pipeline) or is named neither as a load nor as a write (a helper that
    picks file names). Medium where it writes them: a callee
    named `save…`, `write…`, `export…`, `dump…`, `serialize…` or
    `push_to_hub` (`save_pretrained`, a trainer's `save_model`, a
    checkpoint helper's `save_state_dict_shards`). Writing pickle weights
    runs nothing now, but every later load of them (yours, or your users'
    after a `push_to_hub`) can run code. Low on a TensorFlow or Flax model
    class of transformers (`TFAutoModel`, `TFBertModel`, `FlaxAutoModel` …)
    without a truthy `from_pt=`: those read `tf_model.h5` or
    `flax_model.msgpack`, which hold weights and no pickle; with
    `from_pt=True` they convert the PyTorch pickle and keep their level.

    ## Example
    ```python
    from diffusers import DiffusionPipeline

    pipe = DiffusionPipeline.from_pretrained("org/pipeline", use_safetensors=False)
    ```

    ## Use instead
    ```python
    from diffusers import DiffusionPipeline

    pipe = DiffusionPipeline.from_pretrained("org/pipeline", use_safetensors=True)
    ```

    ## Fix safety
    The fix sets `use_safetensors=True`. It is **unsafe**: a repository that
    has only pickle weights then fails to load (which is the point, but it
    changes behaviour). Values from `**` dicts are not fixed.

    ## Options
    Non-literal values: module-level constants and literal parameter
    defaults are followed; any other expression is not reported.

    ## References
    - [Hugging Face: safetensors](https://huggingface.co/docs/safetensors/index)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW204"
    name = "safetensors-disabled"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    advice = "use `use_safetensors=True` or leave the default"
    message = f"`use_safetensors=False` loads pickle-based weights that can run code; {advice}"
    triggers = frozenset({KEY})

    VALID = [
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/m', use_safetensors=True)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/m', use_safetensors=None)"),
        Valid("from transformers import AutoModel\nAutoModel.from_pretrained('org/m', use_safetensors=args.safe)"),
    ]
    INVALID = [
        Invalid(
            "from transformers import AutoModel\nAutoModel.from_pretrained('org/m', use_safetensors=False)",
            fixed="from transformers import AutoModel\nAutoModel.from_pretrained('org/m', use_safetensors=True)",
            unsafe_fix=True,
        ),
        Invalid(
            "import diffusers\nSAFE = False\npipe = diffusers.DiffusionPipeline.from_pretrained(path, use_safetensors=SAFE)",
            fixed="import diffusers\nSAFE = False\npipe = diffusers.DiffusionPipeline.from_pretrained(path, use_safetensors=True)",
            unsafe_fix=True,
        ),
        Invalid("model.save_pretrained(out, **{'use_safetensors': 0})"),
        Invalid("def save(model, out, use_safetensors=False):\n    model.save_pretrained(out, use_safetensors=use_safetensors)"),
        Invalid("import colossal as c\nc.io.save_state_dict_shards(sd, path, use_safetensors=0)"),
        Invalid("from transformers import TFAutoModel\nm = TFAutoModel.from_pretrained(path, use_safetensors=False)"),
        Invalid("import transformers as tr\nm = tr.FlaxBertModel.from_pretrained(path, use_safetensors=False, from_pt=True)"),
    ]

    @classmethod
    def site_gate(cls, node, facts, words) -> bool:
        """A piece can hold a finding only where ``use_safetensors`` is given
        a value the rule may resolve as falsy but not None
        (``use_safetensors=use_safetensors`` with a None default, which
        libraries pass along, is not)."""
        import ast

        from mlwarden.rules.mlw202_unpinned_hub_revision import function_params, keyword_values, may_resolve_falsy

        params = function_params(node)
        for sub in ast.walk(node):
            if type(sub) is ast.Call:
                for value in keyword_values(sub, KEY, facts):
                    if value is None or may_resolve_falsy(value, params, facts):
                        return True
        return False

    def visit_Call(self, node: libcst.Call) -> None:
        present, value = self.ctx.keyword(node, KEY)
        if not present:
            return
        resolved = self.resolve(value)
        if resolved is UNKNOWN or resolved is None or bool(resolved):
            return
        direct = keyword_arg(node, KEY)
        fix = ((direct.value, cst.Name("True")),) if direct is not None else None
        # the name as called, or as imported (`from lib import export_weights as ew`)
        names = [_callee(node), *(q.rsplit(".", 1)[-1].lower() for q in self.ctx.qualnames(node.func))]
        writes = any(_WRITER.search(name) for name in names)
        loads = any(_LOADER.search(name) for name in names)
        native = _native_weights(self, node)
        if native:
            what = f"on {native} picks its own `.h5` / `.msgpack` weights, which hold no pickle (low)"
        elif writes and not loads:
            what = "writes pickle-based weights, and every later load of them can run code"
        elif loads:
            what = "loads pickle-based weights that can run code"
        else:  # a helper named neither way (`get_filenames(use_safetensors=False)`)
            what = "picks pickle-based weights, which can run code when loaded"
        self.report(
            node,
            f"`use_safetensors=False` {what}; {self.advice}",
            replace=fix,
            fix_safe=False,
            fix_description="set use_safetensors=True",
            severity=Severity.LOW if native else Severity.MEDIUM if writes and not loads else None,
        )


#: a callee that writes weights (``save_pretrained``, ``save_model``,
#: ``async_save_state_dict_shards``, ``push_to_hub``, ``export``): a snake_case word.
#: Not ``_roundtrip``'s saver test: there a wrong "saver" lowers a load, so it
#: refuses any name with ``sync``, ``hub``, ``get`` …; here a write only picks
#: medium over high.
_WRITER = lazyre.compile(r"(?:^|_)(?:save|write|export|dump|serialize)(?:_|s?$)|push_to_hub")
#: a callee that loads them (``from_pretrained``, ``load_checkpoint``, ``pipeline``)
_LOADER = lazyre.compile(r"(?:^|_)(?:load|loads|restore|read)(?:_|$)|^from_|pipeline")


#: a TensorFlow or Flax model class of transformers (``TFAutoModel``,
#: ``TFBertForMaskedLM``, ``FlaxT5Model``): its own weight files are HDF5 or
#: msgpack, not pickle
_NATIVE_CLASS = lazyre.compile(r"^(?:TF|Flax)[A-Z]\w*$")


def _native_weights(rule: SafetensorsDisabled, node: libcst.Call) -> str:
    """``"`TFAutoModel`"`` when ``node`` calls a method of a TensorFlow or
    Flax model class (as written or as imported) and no ``from_pt=`` that
    may be true converts a PyTorch checkpoint; else ``""``."""
    func = node.func
    if not isinstance(func, cst.Attribute):
        return ""
    owners = [q.rsplit(".", 2)[-2] for q in rule.ctx.qualnames(func) if q.count(".") >= 2]
    receiver = func.value
    if isinstance(receiver, cst.Attribute):
        owners.append(receiver.attr.value)
    elif isinstance(receiver, cst.Name):
        owners.append(receiver.value)
    native = next((name for name in owners if _NATIVE_CLASS.match(name)), "")
    if not native:
        return ""
    present, value = rule.ctx.keyword(node, "from_pt")
    if present is None:
        return ""  # a `**kwargs` we cannot see into may set it
    if present:
        resolved = rule.resolve(value)
        if resolved is UNKNOWN or bool(resolved):
            return ""
    return f"`{native}`"


def _callee(node: libcst.Call) -> str:
    """The called name's last part, lower case (``""`` for other callees)."""
    func = node.func
    if isinstance(func, cst.Attribute):
        return func.attr.value.lower()
    return func.value.lower() if isinstance(func, cst.Name) else ""
