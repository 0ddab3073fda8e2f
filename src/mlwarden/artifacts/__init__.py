"""Model-file scanning: read pickles, PyTorch/Keras archives and numpy files
without ever executing or importing anything from them.

* :mod:`.pickle_scan` — an opcode reader on ``pickletools.genops`` that tracks
  the stack and memo and resolves every global a pickle would import or call;
* :mod:`.zipscan` — our own ZIP central-directory walk (anomalies are
  findings, not exceptions);
* :mod:`.formats` — content sniffing and the per-format drivers (pickle,
  legacy torch, torch zip, TorchScript, numpy ``.npy``/``.npz``, joblib, Keras,
  gzip/bz2/xz wrappers) under size, count, ratio and time limits;
* :mod:`.allowlist` — the versioned allowlist (``data/pickle_allowlist.toml``)
  and the list of known code-execution gadgets.

:func:`scan_file` returns a :class:`ScanReport`; the MLW6xx rules only judge
its facts, so a file is read once however many rules are selected.
"""

from mlwarden.artifacts.report import GlobalRef, Issue, ScanReport  # noqa: F401
from mlwarden.artifacts.formats import Limits, scan_bytes, scan_file, sniff_path  # noqa: F401
