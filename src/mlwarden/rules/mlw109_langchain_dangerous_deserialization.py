from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from typing import Any, Optional, Set

from mlwarden.core.finding import Severity
from mlwarden.core.lazy import cst
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.core.values import is_truthy
from mlwarden.rules._roundtrip import RoundTripAware

FLAG = "allow_dangerous_deserialization"


class LangchainDangerousDeserialization(RoundTripAware, CodeRule):
    """## What it does
    Flags `allow_dangerous_deserialization` set to a value that is not known
    to be false, in **any** call (`FAISS.load_local`, `Annoy.load_local`,
    `SKLearnVectorStore`, `load_chain`, a wrapper of your own …), written as a
    keyword, inside a `**{...}` literal or a `dict(...)` call, and as a key of
    a dict literal (`load_kwargs = {"allow_dangerous_deserialization": True}`).

    A round trip is not flagged: `X.load_local(path, ...)` of an index the
    same function just wrote with `db.save_local(path)` at a temporary or
    literal path (see MLW101).

    ## Why is this bad?
    LangChain loaders that read pickles (the FAISS docstore index, Annoy,
    ScaNN and scikit-learn vector stores, serialized chains) refuse to run
    unless this flag is set, because a crafted index file runs arbitrary
    code when it is unpickled. Setting it on a vector store downloaded from a
    hub or a shared bucket, or uploaded by a user, gives that file's author
    code execution in your application.

    ## Example
    ```python
    from langchain_community.vectorstores import FAISS

    db = FAISS.load_local("index", embeddings, allow_dangerous_deserialization=True)
    ```

    ## Use instead
    ```python
    from langchain_community.vectorstores import FAISS

    db = FAISS.from_texts(texts, embeddings)  # rebuild from trusted source data
    ```
    Rebuild indexes from source documents, or use a vector store that keeps
    data in a non-pickle format (a database server, Chroma, LanceDB). If the
    index is one your own process wrote and nobody else can replace, silence
    the reviewed call with `# noqa: MLW109`.

    ## Options
    Value policy: `True` or any value known to be truthy (module-level
    constants are followed) is reported; `False` is fine; any other
    expression is reported with a message saying it cannot be verified,
    except a plain pass-through of a parameter of the same name
    (`allow_dangerous_deserialization=allow_dangerous_deserialization`), where
    the decision belongs to the caller and is checked there.

    ## References
    - [LangChain docs: FAISS.load_local](https://python.langchain.com/api_reference/community/vectorstores/langchain_community.vectorstores.faiss.FAISS.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    - [OWASP LLM03:2025 Supply Chain](https://genai.owasp.org/llmrisk/llm032025-supply-chain/)
    """

    id = "MLW109"
    name = "langchain-dangerous-deserialization"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023", "LLM03:2025")
    message = "`allow_dangerous_deserialization=True` unpickles the stored index and can run code from it; rebuild it from trusted data or use a non-pickle store"
    triggers = frozenset({FLAG})

    VALID = [
        Valid("from langchain_community.vectorstores import FAISS\nFAISS.load_local('i', emb, allow_dangerous_deserialization=False)"),
        Valid("from langchain_community.vectorstores import FAISS\nFAISS.load_local('i', emb)"),
        Valid(
            "def load(path, allow_dangerous_deserialization=False):\n"
            "    return FAISS.load_local(path, emb, allow_dangerous_deserialization=allow_dangerous_deserialization)"
        ),
        Valid("opts = {'allow_dangerous_deserialization': False}"),
        Valid("print('allow_dangerous_deserialization')"),
        Valid(
            "from langchain_community.vectorstores import FAISS\ndef test_index(tmp_path):\n    db.save_local(str(tmp_path))\n"
            "    back = FAISS.load_local(str(tmp_path), emb, allow_dangerous_deserialization=True)"
        ),
    ]
    INVALID = [
        Invalid("from langchain_community.vectorstores import FAISS\ndb = FAISS.load_local('i', emb, allow_dangerous_deserialization=True)"),
        Invalid("import langchain_community.vectorstores as vs\nvs.Annoy.load_local(p, emb, **{'allow_dangerous_deserialization': True})"),
        Invalid("ALLOW = True\nstore.load_local(p, emb, allow_dangerous_deserialization=ALLOW)"),
        Invalid("store.load_local(p, emb, allow_dangerous_deserialization=args.trust)"),
        Invalid("load_kwargs = {'allow_dangerous_deserialization': True}"),
        Invalid("load_kwargs = dict(allow_dangerous_deserialization=1)"),
        Invalid(
            "db = FAISS.load_local(\n    folder_path=path,\n    embeddings=emb,\n"
            "    allow_dangerous_deserialization=True,  # error: MLW109\n)"
        ),
        Invalid(
            "from langchain_community.vectorstores import FAISS\ndef load(folder):\n    db.save_local(folder)\n"
            "    return FAISS.load_local(folder, emb, allow_dangerous_deserialization=True)  # error: MLW109"
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reported_dicts: Set[int] = set()

    def _verdict(self, value: Any, keyword: Optional[str] = None) -> Optional[str]:
        truth = is_truthy(self.ctx.value(value))
        if truth is False:
            return None
        if truth is None:
            if isinstance(value, cst.Name) and value.value == FLAG:
                return None  # pass-through of the caller's choice
            return f"`{FLAG}` with a value that cannot be verified may unpickle the stored index and run code from it; pass `False` or use a non-pickle store"
        return self.message

    def visit_Call(self, node: libcst.Call) -> None:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == FLAG:
                message = self._verdict(arg.value)
                if message and not self._saved_here(node):
                    self.report(arg, message)
                return
            if arg.star == "**" and isinstance(arg.value, cst.Dict):
                self._reported_dicts.add(id(arg.value))
                self._check_dict(arg.value)

    def _saved_here(self, node) -> bool:
        """``X.load_local(path, …)`` of an index ``save_local(path)`` just wrote."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "load_local"):
            return False
        return self.round_trip(node, "langchain.load_local", self.ctx.arg(node, 0, "folder_path"))

    def visit_Dict(self, node: libcst.Dict) -> None:
        if id(node) not in self._reported_dicts:
            self._check_dict(node)

    def _check_dict(self, node: Any) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement) and self.ctx.value(element.key) == FLAG:
                message = self._verdict(element.value)
                if message:
                    self.report(element, message)
                return
