"""What a process group cost in CPU, read from /proc (Linux), for the benches that start their
own processes (``load.py``, ``pipeline.py``)."""

import os
from pathlib import Path


def group_cpu(pgid: int) -> float:
    """CPU seconds of a process group's processes, living and reaped (a stack's web processes,
    a Celery worker's pool): what the work cost, whatever else slowed it down."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != pgid:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        if stat.parent.name == str(pgid):
            ticks += int(fields[13]) + int(fields[14])  # children it has reaped
    return ticks / os.sysconf("SC_CLK_TCK")
