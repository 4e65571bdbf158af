"""The call schedule of the network simulators: bounded calls, every step once, blocks opened and closed once."""
import itertools

from shotnoise.numerics.run_blocks import schedule


def test_schedule_covers_every_step_in_bounded_calls_and_closes_every_block():
    for n_steps, tr, bins, bs, bb, free in itertools.product((50, 97), (0, 13), (1, 7), (1, 5), (1, 3), (1, 4, 1000)):
        bins = min(bins, (n_steps - tr) // bs)
        calls = list(schedule(n_steps=n_steps, transient_steps=tr, n_bins=bins, bin_steps=bs, block_bins=bb,
                              free=free))
        assert [c.step for c in calls] == list(itertools.accumulate([0] + [c.n for c in calls[:-1]]))
        assert sum(c.n for c in calls) == n_steps and all(1 <= c.n <= free for c in calls)
        closed = [(c.bin0, c.nb) for c in calls if c.ends]
        assert sum(nb for _, nb in closed) == bins
        assert [b for b, _ in closed] == list(itertools.accumulate([0] + [nb for _, nb in closed[:-1]]))
        assert sum(c.starts for c in calls) == len(closed)
        for c in calls:  # a call inside the recorded part never crosses its block's end
            if c.nb:
                assert c.step + c.n <= tr + (c.bin0 + c.nb) * bs
