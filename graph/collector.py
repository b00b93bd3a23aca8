"""Pausing Python's cyclic garbage collector around bulk work.

Why: loading a workspace or importing a file creates millions of small
dictionaries and lists. Each allocation counts towards the collector's next
pass, and every pass walks all the objects still alive, a number that keeps
growing as the graph fills, so the passes cost more the larger the graph. They
were measured at about a third of an import's time and nearly two thirds of
loading a million-link workspace (10.8 s with the collector, 4.0 s without).
Neither job makes reference cycles that need collecting before it ends, so
nothing is held longer than it would be otherwise.

Pausing alone only moves the cost: when the collector is switched back on, the
next allocation starts a pass over every object made during the pause (about
1.5 s after opening a million-link workspace). A loaded graph is long-lived and
holds no reference cycles (dicts of dicts of properties), so ``paused(keep=True)``
moves what exists when the block succeeds into the collector's permanent
generation (``gc.freeze()``), which later passes skip. So does an import, whose
store is the loaded graph grown. Those objects are still
freed by reference counting as soon as nothing uses them; only cyclic garbage
that existed at that moment would wait for the end of the process.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused(keep: bool = False) -> Iterator[None]:
    """The collector off for a block or a decorated function, restored (if it was on)
    however it ends. With ``keep``, what the block made is frozen when it succeeds
    (see the module docstring); after a failure it is left for the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if keep:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
