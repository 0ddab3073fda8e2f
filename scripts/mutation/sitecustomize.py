"""Loads the mutation patch (see mlwarden_mutant.py) in every interpreter
that has this directory on ``PYTHONPATH``."""

import mlwarden_mutant  # noqa: F401
