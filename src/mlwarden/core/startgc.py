"""Python's cycle collector off while a ``check`` command starts.

A command that reaches the rules imports ~250 modules before it finishes its
first file: libcst's ~230 node classes, the rules, packaging. Every one of
those objects lives until the process exits, yet each allocation burst makes
the collector scan the young ones again: ~30 collections, about 5% of the
instructions of a one-file hook run (measured with cachegrind: 726 M -> 683 M
on a four-line file with a ``torch.load``). So :func:`pause` turns the
collector off at the start of ``mlwarden check`` (mlwarden/resident.py) and
:func:`resume`, called when the first file is done or before worker processes
are forked (core/parallel.py), moves everything alive to the permanent
generation (``gc.freeze``, so it is never scanned again) and turns it back on.
The engine still pauses it around each file's analysis (core/engine.py).

Only the order of collections changes: whatever cycles start-up left are
frozen instead of collected (a few hundred objects), and everything after the
first file is collected as before. Built-in modules only: imported before
anything else.
"""

import gc

_paused = False


def pause() -> None:
    """Turn the collector off until :func:`resume` (no-op if it is off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """End a :func:`pause`: freeze what start-up made, collector back on.
    Only the first call after a pause does anything."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
