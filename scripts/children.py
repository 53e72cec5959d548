"""Child processes that die with their parent.

A stage of `make build` holds the build's lock (an inherited file descriptor) while it runs; if the pipeline were
killed and its stage ran on, the lock would stay taken until the stage ended. On Linux each child asks the kernel
for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG), and checks that the parent had not died already.
Elsewhere the child is left as it is.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def dies_with(parent: int) -> Callable[[], None]:
    """A `preexec_fn` for subprocess: the child is killed when the process `parent` (the caller) dies."""
    def preexec() -> None:
        if LIBC is None:
            return
        LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died between fork and prctl: no signal will come
            os.kill(os.getpid(), signal.SIGKILL)
    return preexec


def dies_with_me() -> Callable[[], None]:
    return dies_with(os.getpid())
