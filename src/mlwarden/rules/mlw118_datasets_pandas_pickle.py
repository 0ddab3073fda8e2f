from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._helpers import notebook_json
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules.mlw202_unpinned_hub_revision import ParamDefaults

TARGETS = ("datasets.load_dataset", "datasets.load.load_dataset", "datasets.load_dataset_builder", "datasets.load.load_dataset_builder")
#: the packaged builder that reads its data files with pandas.read_pickle
BUILDER = "pandas"


class DatasetsPandasPickle(RoundTripAware, ParamDefaults, CodeRule):
    """## What it does
    Flags `datasets.load_dataset("pandas", ...)` and
    `datasets.load_dataset_builder("pandas", ...)`: the Hugging Face
    `datasets` packaged builder named `"pandas"` (given positionally or as
    `path=`, directly, through a module constant or a parameter's default).

    A round trip is not flagged: data files the same function just wrote
    with `DataFrame.to_pickle` at a temporary or literal path (see MLW101).

    ## Why is this bad?
    The `"pandas"` builder reads every data file with `pandas.read_pickle`,
    that is with `pickle`: a data file in a dataset repository, a bucket or an
    upload runs its author's code when the dataset is built
    (CVE-2026-57845). Dataset repositories are rarely reviewed like code, and
    the load usually happens on a training machine with credentials.

    ## Example
    ```python
    from datasets import load_dataset

    ds = load_dataset("pandas", data_files={"train": "train.pkl"})
    ```

    ## Use instead
    ```python
    from datasets import load_dataset

    # convert once, from a trusted copy: df.to_parquet("train.parquet")
    ds = load_dataset("parquet", data_files={"train": "train.parquet"})
    ```

    ## References
    - [Hugging Face datasets: loading local files](https://huggingface.co/docs/datasets/loading)
    - CVE-2026-57845 (arbitrary code execution through the `pandas` builder)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW118"
    name = "datasets-pandas-pickle"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    template = "`{}(\"pandas\", ...)` unpickles the data files with `pandas.read_pickle` and can run code from them (CVE-2026-57845); convert them to Parquet and load with `\"parquet\"`"
    message = template.format("load_dataset")
    triggers = frozenset(TARGETS)  # qualified: see engine.trigger_groups

    VALID = [
        Valid("from datasets import load_dataset\nds = load_dataset('parquet', data_files='train.parquet')"),
        Valid("from datasets import load_dataset\nds = load_dataset('pandas-org/pandas-docs')"),
        Valid("from datasets import Dataset\nds = Dataset.from_pandas(df)"),
        Valid("def load_dataset(kind):\n    pass\nload_dataset('pandas')"),
        Valid(
            "from datasets import load_dataset\ndef test_pandas(tmp_path):\n    p = str(tmp_path / 'd.pkl')\n    df.to_pickle(p)\n"
            "    ds = load_dataset('pandas', data_files=p)"
        ),
    ]
    INVALID = [
        Invalid("from datasets import load_dataset\nds = load_dataset('pandas', data_files={'train': 'train.pkl'})"),
        Invalid("import datasets\nds = datasets.load_dataset(path='pandas', data_files=files, split='train')"),
        Invalid("import datasets as hfds\nBUILDER = 'pandas'\nbuilder = hfds.load_dataset_builder(BUILDER, data_dir=d)"),
        Invalid("from datasets import load_dataset\ndef load(files, kind='pandas'):\n    return load_dataset(kind, data_files=files)"),
        Invalid(notebook_json("from datasets import load_dataset", "ds = load_dataset(\"pandas\", data_files=url)"), filename="example.ipynb"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        target = self.ctx.call_to(node, TARGETS)
        if not target:
            return
        builder = self.ctx.arg(node, 0, "path")
        if builder is None or self.resolve(builder) != BUILDER:
            return
        if self.round_trip(node, "pandas.read_pickle", self.ctx.arg(node, 99, "data_files")):
            return
        short = target.rsplit(".", 1)[1]
        self.report(
            node,
            self.template.format(short),
        )
