"""MLW111: a library that an imported package's own finder returns
(`register_custom_ops_library(onnxruntime_extensions.get_library_path())`) is
low with the reason; a finder given a run-time argument, a call that is no
finder, or a finder the file defines or never imports keeps medium."""

import pytest

from mlwarden.core.finding import Severity
from round_helpers import code_notebook, fast_full_findings

LOW = [
    """
    import onnxruntime as ort
    import onnxruntime_extensions as ext
    so = ort.SessionOptions()
    so.register_custom_ops_library(ext.get_library_path())
    """,
    """
    import onnxruntime
    from onnxruntime_extensions import get_library_path as lib
    opts = onnxruntime.SessionOptions()
    opts.register_custom_ops_library(lib())
    """,
    """
    import torch
    import vendor_ops
    torch.ops.load_library(vendor_ops.find_lib_path("cuda"))
    """,
]

MEDIUM = [
    # a run-time argument to the finder
    """
    import onnxruntime as ort
    import onnxruntime_extensions as ext
    ort.SessionOptions().register_custom_ops_library(ext.get_library_path(user_dir))
    """,
    # not a finder's name
    """
    import torch
    import hub_tools
    torch.ops.load_library(hub_tools.download_library("org/ops"))
    """,
    # a finder the file itself defines (it reads the environment)
    """
    import os
    import torch
    def get_library_path():
        return os.environ["OPS_LIB"]
    torch.ops.load_library(get_library_path())
    """,
    # bound nowhere in the file
    """
    import onnxruntime as ort
    ort.SessionOptions().register_custom_ops_library(get_library_path())
    """,
]


@pytest.mark.parametrize("code", LOW)
def test_an_imported_packages_library_finder_is_low(code):
    found = fast_full_findings(code, ["MLW111"])
    assert [(rule, severity) for rule, _, severity in found] == [("MLW111", Severity.LOW)]


@pytest.mark.parametrize("code", MEDIUM)
def test_other_library_paths_stay_medium(code):
    found = fast_full_findings(code, ["MLW111"])
    assert [(rule, severity) for rule, _, severity in found] == [("MLW111", Severity.MEDIUM)]


def test_the_finder_is_named_in_the_message_and_works_in_a_notebook():
    from mlwarden.core.config import Config
    from mlwarden.core.engine import check_source

    notebook = code_notebook("import onnxruntime as ort\nimport onnxruntime_extensions as ext", "ort.SessionOptions().register_custom_ops_library(ext.get_library_path())")
    findings = check_source(notebook, "ops.ipynb", config=Config(select=["MLW111"], severity=Severity.LOW)).findings
    assert [f.severity for f in findings] == [Severity.LOW]
    assert "`onnxruntime_extensions.get_library_path()`" in findings[0].message
