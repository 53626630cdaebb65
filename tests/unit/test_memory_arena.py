"""The reader's threads share glibc's one main malloc arena (Linux with glibc)."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

# Threads that each allocate, then glibc's own account of its arenas (one <heap> each).
PROBE = """
import ctypes, sys, threading
from briefing_reader.library.lifeline import one_malloc_arena
if sys.argv[1] == "one":
    one_malloc_arena()
def work():
    kept = [bytearray(1000) for _ in range(2000)]
threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(None)
libc.fdopen.restype = ctypes.c_void_p
stream = libc.fdopen(1, b"w")
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fflush(ctypes.c_void_p(stream))
"""


def arenas(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    ).stdout
    return out.count("<heap nr=")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "malloc_info"),
    reason="glibc only",
)
def test_threads_started_after_the_call_allocate_from_one_arena() -> None:
    assert arenas("default") > 1  # what the call changes: a thread gets an arena of its own
    assert arenas("one") == 1
