"""``python -m mlwarden``: the same as the ``mlwarden`` console script.

``python -m`` puts the working directory first on ``sys.path``; run from the
root of the repository being scanned, a ``json.py`` or ``argparse.py`` there
would be imported (and run) in place of the standard library. So the
working directory's entry is removed before anything else is imported
(``mlwarden/__init__.py`` imports nothing). What Python itself imports for
``-m`` before any mlwarden code runs (``runpy``'s ``importlib``,
``warnings``, ``collections``) cannot be protected from here: in an
untrusted repository use the ``mlwarden`` console script or
``python -I -m mlwarden`` (isolated mode; also ``-P`` on Python 3.11+).
"""

import sys  # built in: never read from the working directory


def _drop_working_directory() -> None:
    """Remove the entry ``python -m`` put first on ``sys.path`` (the working
    directory). Uses only built-in modules (``posix``/``nt``), which the
    import system finds before any file."""
    if sys.flags.isolated or getattr(sys.flags, "safe_path", False):
        return  # -I / -P: the working directory was never added
    if not sys.path:
        return
    for name in ("posix", "nt"):
        if name in sys.builtin_module_names:
            cwd = __import__(name).getcwd()
            break
    else:  # pragma: no cover - every CPython has one of them
        cwd = None
    if sys.path[0] in ("", ".", cwd):
        del sys.path[0]


if __name__ == "__main__":
    _drop_working_directory()
    from mlwarden.resident import main

    sys.exit(main())
