"""mlwarden: a security linter for machine-learning code.

Public API::

    from mlwarden import check_paths, check_source, Finding
"""

# Imports nothing outside the package (not even ``__future__``): ``python -m
# mlwarden`` runs this before ``__main__`` can drop the working directory from
# ``sys.path``, so such an import could load a module planted in the scanned
# repository. ``mlwarden._version`` is found through the package's own
# ``__path__``, never through ``sys.path``.

from mlwarden._version import __version__

__all__ = ["__version__", "check_paths", "check_source", "Finding", "Severity"]


def __getattr__(name: str):  # lazy: keep `import mlwarden` cheap
    if name == "check_source":
        from mlwarden.core.engine import check_source

        return check_source
    if name == "check_paths":
        from mlwarden.core.run import check_paths

        return check_paths
    if name in ("Finding", "Severity"):
        from mlwarden.core import finding

        return getattr(finding, name)
    raise AttributeError(name)
