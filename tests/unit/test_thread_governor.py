"""The thread governor runs the faster of the threaded and serial loops and keeps probing the other."""
from shotnoise.numerics.thread_governor import REPROBE, WARMUP, ThreadGovernor


def _run(gov, rate, chunks):
    used = []
    for _ in range(chunks):
        par = gov.parallel()
        gov._record(par, rate[par], 1.0)  # neuron-steps in one second: the rate
        used.append(par)
    return used


def test_one_thread_is_always_serial():
    gov = ThreadGovernor(1)
    assert _run(gov, {True: 2.0, False: 1.0}, 5) == [False] * 5


def test_picks_the_faster_loop_and_reprobes():
    gov = ThreadGovernor(2)
    used = _run(gov, {True: 1.0, False: 3.0}, 3 * REPROBE)  # a loaded machine: threads slower
    probes = WARMUP + 1
    assert used[:2 * probes] == [True] * probes + [False] * probes
    assert used.count(True) <= probes + 3  # the probes plus one reprobe per REPROBE chunks
    gov = ThreadGovernor(2)
    used = _run(gov, {True: 3.0, False: 1.0}, 3 * REPROBE)  # an idle machine: threads faster
    assert used.count(False) <= probes + 3
    # the load changes: the governor follows within a reprobe period (rates are averaged over two probes)
    used = _run(gov, {True: 1.0, False: 5.0}, 3 * REPROBE)
    assert used[-REPROBE + 1:].count(True) <= 1
