"""The schedule of a chunked network run: compiled calls of bounded size, output bins closed in blocks.

A run of ``n_steps`` steps has a discarded transient, then ``n_bins`` output bins of ``bin_steps`` steps (a
trailing partial bin is run but not recorded).  Every compiled call covers at most ``free`` steps (so Ctrl-C is
answered within ~10 ms at any bin width); the recorded bins are grouped into blocks of ``block_bins`` bins, whose
buffers are zeroed when the block starts and read (activity, Welch, kept series, means) when its last call ends.
The grouping does not depend on ``free``, so results do not depend on where calls end (tested).  Used by both
network simulators (numerics.qif_network, numerics.circuit.network).
"""
from __future__ import annotations

from typing import Iterator, NamedTuple


class Call(NamedTuple):
    """One compiled call: ``n`` steps from global ``step``; ``bin0`` the first bin of the open block (the kernels
    index their buffers from it); ``nb`` the bins of that block; ``starts``: zero the buffers first; ``ends``: the
    block is complete after this call (0 / False outside the recorded part)."""

    step: int
    n: int
    bin0: int
    nb: int
    starts: bool
    ends: bool


def schedule(*, n_steps: int, transient_steps: int, n_bins: int, bin_steps: int, block_bins: int,
             free: int) -> Iterator[Call]:
    """The calls of a run, in order (see the module docstring)."""
    rec_end = transient_steps + n_bins * bin_steps
    step, bin0 = 0, 0
    while step < n_steps:
        if step < transient_steps:
            call = Call(step, min(free, transient_steps - step), bin0, 0, False, False)
        elif step < rec_end:
            nb = min(block_bins, n_bins - bin0)
            block_end = transient_steps + (bin0 + nb) * bin_steps
            n = min(free, block_end - step)
            call = Call(step, n, bin0, nb, step == transient_steps + bin0 * bin_steps, step + n == block_end)
        else:
            call = Call(step, min(free, n_steps - step), bin0, 0, False, False)
        yield call
        if call.ends:
            bin0 += call.nb
        step += call.n
