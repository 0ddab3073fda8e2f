"""Session 17 (noise, development set fresh34; held-out fresh33's causes).

1. A flag-gated round trip (fresh33, skl2onnx's test helper): a dump under
   ``try`` whose handler clears a flag that gates the later load of the same
   file::

       ok = True
       with open(dest, "wb") as f:
           try:
               pickle.dump(model, f)
           except AttributeError:
               ok = False
       if ok and os.path.exists(dest):
           with open(dest, "rb") as f:
               pickle.load(f)

   The load runs only when the flag is still true, and it is true only if
   the ``try`` body ran to its end (every handler that completes clears it,
   nothing else binds it), so the dump ran before the load: the same round
   trip as a dump on a straight line. Kept: a handler that does not clear
   the flag, clears it only conditionally, a flag bound anywhere else or
   from a call, ``if not ok`` / ``or`` gates, the load in the gate's
   ``else``, a ``try`` that is itself conditional, a flag set true after
   the ``try``, a nested function that can rebind it (``nonlocal``).

3. A finding in a branch only Python 2 runs (fresh34, ART's CIFAR loader:
   ``if sys.version_info < (3,): cPickle.load(f)`` next to the live
   ``else: cPickle.load(f, encoding="bytes")``): low, with the reason in the
   message (``core/context.py``); the live branch keeps its severity. Kept:
   a test of a Python 3 minor version (``< (3, 8)``), a ``PY2`` not imported
   from six, a secret.

4. A plain-``http://`` request whose host is the address a server the same
   function starts binds (fresh34, dalex's arena: ``ThreadedWSGIServer(host=
   host, port=port, app=app)`` then ``requests.get('http://' + host + ':' +
   str(port) + '/shutdown?token=' + token)``): MLW207 low, naming the host
   (``rules/mlw207``). A bound address is one of the machine's own, so the
   request crosses no network. Kept medium: no server in the function, the
   host name bound twice, a server started after the request, a server on
   another name, a lambda's own parameter of that name.

On BASE (main 4bd047e) every "low" case below was high (MLW207: medium). Every case goes
through ``fast_full_findings``: fast path == equivalence mode.
"""

from __future__ import annotations

import pytest

from mlwarden.core.config import Config
from mlwarden.core.finding import Severity
from round_helpers import fast_full_findings

HIGH, LOW = Severity.HIGH, Severity.LOW

_GATED = """
import os
import pickle

def dump_then_check(model, folder, name):
    target = os.path.join(folder, name + ".pkl")
    pickled = True
    with open(target, "wb") as out:
        try:
            pickle.dump(model, out)
        except (AttributeError, TypeError) as exc:
            print("could not pickle", exc)
            pickled = False
    if pickled and os.path.exists(target):
        with open(target, "rb") as back:
            return pickle.load(back)
"""

FLAG_GATED = {
    "with-around-try": (_GATED, LOW),
    "try-around-with": (
        """
        import pickle

        def save_and_reload(obj, where):
            saved_ok = True
            try:
                with open(where, "wb") as handle:
                    pickle.dump(obj, handle)
            except OSError:
                saved_ok = False
            except pickle.PicklingError:
                raise
            if saved_ok:
                with open(where, "rb") as handle:
                    obj = pickle.load(handle)
            return obj
        """,
        LOW,
    ),
    "one-line-handler-and-nested-and": (
        """
        import pickle

        def roundtrip(obj, where, check):
            ok = True
            try:
                with open(where, "wb") as handle: pickle.dump(obj, handle)
            except Exception: ok = False
            if (ok and check) and where:
                with open(where, "rb") as handle:
                    return pickle.load(handle)
        """,
        LOW,
    ),
    "handler-does-not-clear": (_GATED.replace("            pickled = False\n", ""), HIGH),
    "handler-clears-conditionally": (
        _GATED.replace("            pickled = False\n", "            if exc:\n                pickled = False\n"),
        HIGH,
    ),
    "flag-from-a-call": (_GATED.replace("    pickled = True\n", "    pickled = wants_check()\n"), HIGH),
    "flag-rebound-after-the-try": (
        _GATED.replace("    if pickled and", "    pickled = True\n    if pickled and"),
        HIGH,
    ),
    "not-gate": (_GATED.replace("if pickled and os.path.exists(target)", "if not pickled"), HIGH),
    "or-gate": (_GATED.replace("if pickled and os.path.exists(target)", "if pickled or os.path.exists(target)"), HIGH),
    "load-in-the-else": (
        _GATED.replace(
            "        with open(target, \"rb\") as back:\n            return pickle.load(back)\n",
            "        return None\n    else:\n        with open(target, \"rb\") as back:\n            return pickle.load(back)\n",
        ),
        HIGH,
    ),
    "try-under-a-condition": (
        _GATED.replace("    with open(target, \"wb\") as out:\n", "    if model is not None:\n     with open(target, \"wb\") as out:\n"),
        HIGH,
    ),
    "flag-set-true-after-the-try-only": (
        _GATED.replace("    pickled = True\n", "").replace("    if pickled and", "    pickled = True\n    if pickled and"),
        HIGH,
    ),
    "nested-function-rebinds-flag": (
        _GATED.replace(
            "    pickled = True\n",
            "    pickled = True\n\n    def reset():\n        nonlocal pickled\n        pickled = True\n\n",
        ),
        HIGH,
    ),
}


@pytest.mark.parametrize("case", sorted(FLAG_GATED))
def test_flag_gated_round_trip(case):
    code, expected = FLAG_GATED[case]
    found = fast_full_findings(code, ["MLW101"], filename="pkg/helpers.py")
    assert [severity for _rule, _line, severity in found] == [expected], found


def test_flag_gated_torch_round_trip():
    code = """
    import torch

    def checkpoint_roundtrip(model, path):
        written = True
        try:
            torch.save(model.state_dict(), path)
        except RuntimeError:
            written = False
        if written:
            model.load_state_dict(torch.load(path))
    """
    assert [s for _r, _l, s in fast_full_findings(code, ["MLW102"], filename="pkg/ckpt.py")] == [LOW]
    # a download into the path under the same gate is not a round trip
    fetched = code.replace("torch.save(model.state_dict(), path)", "download_checkpoint(url, path)")
    assert [s for _r, _l, s in fast_full_findings(fetched, ["MLW102"], filename="pkg/ckpt.py")] == [HIGH]


# 2. A path name reused for several files, each dumped in turn (skl2onnx's
#    helper: ``dest = x.data.pkl`` … dump … ``dest = x.model.pkl`` … dump …
#    load ``dest``): the write after the last rebinding of the name wrote the
#    file the load reads. Before, any rebinding between the *first* matching
#    write and the load made it no round trip.
_REUSED = """
import os
import pickle

def dump_all(data, model, folder):
    dest = os.path.join(folder, "data.pkl")
    with open(dest, "wb") as out:
        pickle.dump(data, out)
    dest = os.path.join(folder, "model.pkl")
    with open(dest, "wb") as out:
        pickle.dump(model, out)
    with open(dest, "rb") as back:
        return pickle.load(back)
"""

REUSED_PATH = {
    "rewritten-after-rebinding": (_REUSED, LOW),
    "under-a-flag-gate": (
        _REUSED.replace(
            "    with open(dest, \"wb\") as out:\n        pickle.dump(model, out)\n    with open(dest, \"rb\")",
            "    ok = True\n    try:\n        with open(dest, \"wb\") as out:\n            pickle.dump(model, out)\n"
            "    except TypeError:\n        ok = False\n    if ok:\n      with open(dest, \"rb\")",
        ),
        LOW,
    ),
    # kept: the name rebound after the only write (the load reads another file)
    "rebound-after-the-last-write": (
        _REUSED.replace("    with open(dest, \"wb\") as out:\n        pickle.dump(model, out)\n", ""),
        HIGH,
    ),
    # kept: after the rebinding the path went to a download, not a dump
    "downloaded-after-rebinding": (
        _REUSED.replace("    with open(dest, \"wb\") as out:\n        pickle.dump(model, out)\n", "    fetch(url, dest)\n"),
        HIGH,
    ),
}


@pytest.mark.parametrize("case", sorted(REUSED_PATH))
def test_a_path_name_reused_for_several_dumps(case):
    code, expected = REUSED_PATH[case]
    found = fast_full_findings(code, ["MLW101"], filename="pkg/dumps.py")
    assert [severity for _rule, _line, severity in found] == [expected], found


# 3. Python 2-only branches
_PY2 = """
import pickle
import sys

def load_batch(path):
    with open(path, "rb") as handle:
        if sys.version_info < (3,):
            content = pickle.load(handle)
        else:
            content = pickle.load(handle, encoding="bytes")
    return content
"""

PYTHON2 = {
    "version-tuple": (_PY2, [LOW, HIGH]),
    "version-tuple-3-0": (_PY2.replace("< (3,)", "< (3, 0)"), [LOW, HIGH]),
    "major-index": (_PY2.replace("sys.version_info < (3,)", "sys.version_info[0] == 2"), [LOW, HIGH]),
    "major-attribute": (_PY2.replace("sys.version_info < (3,)", "sys.version_info.major < 3"), [LOW, HIGH]),
    "six-attribute": (_PY2.replace("import sys", "import six").replace("sys.version_info < (3,)", "six.PY2"), [LOW, HIGH]),
    "six-name": (_PY2.replace("import sys", "from six import PY2").replace("sys.version_info < (3,)", "PY2"), [LOW, HIGH]),
    "python3-test-else": (_PY2.replace("sys.version_info < (3,)", "sys.version_info >= (3,)"), [HIGH, LOW]),
    "not-py3": (_PY2.replace("import sys", "import six").replace("sys.version_info < (3,)", "not six.PY3"), [LOW, HIGH]),
    # kept: a minor-version test runs on Python 3; a PY2 of the project's own
    "minor-version": (_PY2.replace("< (3,)", "< (3, 8)"), [HIGH, HIGH]),
    "own-py2-flag": (_PY2.replace("import sys", "from compat import PY2").replace("sys.version_info < (3,)", "PY2"), [HIGH, HIGH]),
    "major-below-four": (_PY2.replace("sys.version_info < (3,)", "sys.version_info[0] < 4"), [HIGH, HIGH]),
}


@pytest.mark.parametrize("case", sorted(PYTHON2))
def test_a_python2_only_branch_is_low(case):
    code, expected = PYTHON2[case]
    found = fast_full_findings(code, ["MLW101"], filename="pkg/data.py")
    assert [severity for _rule, _line, severity in found] == expected, found


def test_a_python2_branch_says_why_and_context_off_keeps_it():
    import textwrap

    from mlwarden.core.engine import check_source

    source = textwrap.dedent(_PY2)
    lowered = check_source(source, "pkg/data.py", config=Config(select=["MLW101"], severity=Severity.LOW)).findings
    assert "Python 2-only branch" in lowered[0].message and "Python 2" not in lowered[1].message
    kept = check_source(source, "pkg/data.py", config=Config(select=["MLW101"], severity=Severity.LOW, context=False)).findings
    assert [f.severity for f in kept] == [HIGH, HIGH]


# 4. A request to the server the same function starts
_SERVED = """
import requests
from werkzeug.serving import make_server

def start(app, host, port, token):
    server = make_server(host, port, app)
    app.stop = lambda: requests.get("http://" + host + ":" + str(port) + "/shutdown?token=" + token)
    server.serve_forever()
"""

MEDIUM = Severity.MEDIUM
OWN_SERVER = {
    "make-server-concatenation": (_SERVED, LOW),
    "http-server-tuple-f-string": (
        """
        import threading
        import urllib.request
        from http.server import HTTPServer, SimpleHTTPRequestHandler

        def serve_and_fetch(bind, port):
            httpd = HTTPServer((bind, port), SimpleHTTPRequestHandler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            return urllib.request.urlopen(f"http://{bind}:{port}/index.json").read()
        """,
        LOW,
    ),
    "wsgi-server-keyword": (
        _SERVED.replace("make_server(host, port, app)", "ThreadedWSGIServer(host=host, port=port, app=app)")
        .replace("import make_server", "import ThreadedWSGIServer"),
        LOW,
    ),
    "no-server": (_SERVED.replace("    server = make_server(host, port, app)\n", "    server = app\n"), MEDIUM),
    "host-rebound": (_SERVED.replace("    app.stop", "    host = lookup(host)\n    app.stop"), MEDIUM),
    "server-after-the-request": (
        _SERVED.replace("    server = make_server(host, port, app)\n", "").replace(
            "    server.serve_forever()", "    server = make_server(host, port, app)\n    server.serve_forever()"
        ),
        MEDIUM,
    ),
    "server-on-another-name": (_SERVED.replace("make_server(host, port, app)", "make_server(bind, port, app)"), MEDIUM),
    "lambda-parameter": (_SERVED.replace("lambda: requests", "lambda host: requests"), MEDIUM),
}


@pytest.mark.parametrize("case", sorted(OWN_SERVER))
def test_a_request_to_the_server_the_function_starts(case):
    code, expected = OWN_SERVER[case]
    found = fast_full_findings(code, ["MLW207"], filename="pkg/server.py")
    assert [severity for _rule, _line, severity in found] == [expected], found
