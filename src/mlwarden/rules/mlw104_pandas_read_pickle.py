from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: libcst is imported when a file needs it
    import libcst

from mlwarden.core.finding import Severity
from mlwarden.core.rule import CodeRule, Invalid, Valid
from mlwarden.rules._roundtrip import RoundTripAware
from mlwarden.rules._helpers import last_words, notebook_json

TARGETS = ("pandas.read_pickle", "pandas.io.pickle.read_pickle", "pandas.io.api.read_pickle")


class PandasReadPickle(RoundTripAware, CodeRule):
    """## What it does
    Flags `pandas.read_pickle` (`pd.read_pickle`, `from pandas import
    read_pickle`, `pandas.io.pickle.read_pickle`). Only the function is
    flagged; `DataFrame.to_pickle` writes and is fine.

    A round trip is not flagged: data the same scope produced with the
    matching dump (an in-memory dump, a buffer only a serializer wrote
    into, or a file the same function just wrote to a temporary or literal
    path; see MLW101).

    ## Why is this bad?
    `read_pickle` is `pickle.load` behind a file path or URL (including
    `s3://`, `https://` and compressed files): a pickled DataFrame from a
    dataset hub, a shared drive or a bucket can run arbitrary code when it is
    read. The pandas documentation warns that loading pickled data from an
    untrusted source is unsafe.

    ## Example
    ```python
    import pandas as pd

    df = pd.read_pickle("features.pkl")
    ```

    ## Use instead
    ```python
    import pandas as pd

    df = pd.read_parquet("features.parquet")
    ```
    Parquet, Feather, CSV and JSON hold data, not code.

    ## Known problems
    Every call is flagged, including reads of a file your own pipeline wrote;
    silence a reviewed call with `# noqa: MLW104`.

    ## References
    - [pandas docs: read_pickle](https://pandas.pydata.org/docs/reference/api/pandas.read_pickle.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    - [OWASP ML06:2023 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)
    """

    id = "MLW104"
    name = "pandas-read-pickle"
    severity = Severity.HIGH
    cwe = (502,)
    owasp = ("ML06:2023",)
    message = "`pandas.read_pickle` unpickles the file and can run code from it; store data as Parquet, Feather or CSV instead"
    triggers = last_words(TARGETS)

    VALID = [
        Valid("import pandas as pd\ndf.to_pickle('x.pkl')"),
        Valid("import pandas as pd\npd.read_parquet('x.parquet')"),
        Valid("def read_pickle(p):\n    return None\nread_pickle('x.pkl')"),
        Valid("import pickle\nimport pandas as pd\npick = pickle.dumps(df)\nprint(pd.read_pickle(pick))"),
        Valid("import pandas as pd\ndef test_pickle(tmp_path):\n    df.to_pickle(tmp_path / 'df.pkl')\n    back = pd.read_pickle(tmp_path / 'df.pkl')"),
    ]
    INVALID = [
        Invalid("import pandas as pd\ndf = pd.read_pickle('features.pkl')"),
        Invalid("import pandas\npandas.read_pickle(url, compression='gzip')"),
        Invalid("from pandas import read_pickle as rp\nrp(path)"),
        Invalid("import pandas.io.pickle\npandas.io.pickle.read_pickle(path)"),
        Invalid("import pandas as pd\nframes = list(map(pd.read_pickle, files))"),
        Invalid(notebook_json("import pandas as pd", "df = pd.read_pickle('data.pkl')"), filename="example.ipynb"),
    ]

    def visit_Call(self, node: libcst.Call) -> None:
        self.check_loader(
            node, TARGETS, "`{}` handed over as a function unpickles whatever file it is called with and can run code from it; use Parquet, Feather or CSV"
        )
