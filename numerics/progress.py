"""Progress bars for long simulations (stderr), cleared on success, error or Ctrl-C."""
from __future__ import annotations


class _NoBar:
    """Stand-in for a tqdm bar when progress is off."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass


def progress_bar(*, total: int, desc: str, enabled: bool):
    """A tqdm bar on stderr (cleared when the block ends, also on an error or Ctrl-C) or a silent stand-in."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, unit="step", unit_scale=True, desc=desc, leave=False)
