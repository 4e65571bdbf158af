"""Choose, chunk by chunk, between the threaded and the serial neuron loop of a network simulator by measured speed.

The threaded loop synchronises its threads at every step (the spikes of a step kick every neuron at the next).
That pays only while every thread has a core: when other processes occupy the cores, a descheduled thread
stalls every step, and the threaded loop runs several times slower than the serial one (measured on the 2-core
machine under load: 4.6e8-6e8 vs 1.7e9-2.3e9 neuron-steps/s at N = 1e5).  The governor times the chunks of a
run, probes both loops at the start (after a warm-up chunk each) and again every ``REPROBE`` chunks (the load
changes), and runs the faster one.  The choice never changes the results: each neuron's update is the same arithmetic either way, and the
serial loop sums the order parameter over the same thread shares in the same order as the threaded one.
"""
from __future__ import annotations

import time

#: chunks between two probes of the loop not in use (a probe of the slower loop costs ~1/REPROBE of the run)
REPROBE = 64
#: measurements of each loop discarded at the start (the thread pool and the caches warm up)
WARMUP = 1


class ThreadGovernor:
    """``parallel()`` says which loop the next chunk runs; ``timed(parallel, neuron_steps)`` measures it.

    With one thread it always answers False.  Usage::

        gov = ThreadGovernor(threads)
        par = gov.parallel()
        with gov.timed(par, n_steps * N):
            run_chunk(..., par)
    """

    def __init__(self, threads: int):
        self.threads = int(threads)
        self._rate = {True: None, False: None}
        self._seen = {True: 0, False: 0}
        self._chunks = 0
        self.chunks_parallel = 0
        self.chunks_serial = 0

    def parallel(self) -> bool:
        if self.threads <= 1:
            return False
        if self._rate[True] is None:
            return True
        if self._rate[False] is None:
            return False
        best = self._rate[True] >= self._rate[False]
        if self._chunks % REPROBE == REPROBE - 1:
            return not best
        return best

    def timed(self, parallel: bool, neuron_steps: float) -> "_Timer":
        return _Timer(self, parallel, neuron_steps)

    def _record(self, parallel: bool, neuron_steps: float, seconds: float) -> None:
        self._chunks += 1
        if parallel:
            self.chunks_parallel += 1
        else:
            self.chunks_serial += 1
        self._seen[parallel] += 1
        if seconds <= 0 or self._seen[parallel] <= WARMUP:
            return
        rate = neuron_steps / seconds
        old = self._rate[parallel]
        self._rate[parallel] = rate if old is None else 0.5 * (old + rate)

    def summary(self) -> dict:
        """Chunks run threaded and serial, and the last measured rates (neuron-steps per second)."""
        return {"threads": self.threads, "chunks_threaded": self.chunks_parallel, "chunks_serial": self.chunks_serial,
                "rate_threaded": self._rate[True], "rate_serial": self._rate[False]}


class _Timer:
    def __init__(self, gov: ThreadGovernor, parallel: bool, neuron_steps: float):
        self.gov, self.parallel, self.neuron_steps = gov, parallel, neuron_steps

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.gov._record(self.parallel, self.neuron_steps, time.perf_counter() - self.t0)
        return False
