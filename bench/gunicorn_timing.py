"""gunicorn settings for ``bench/load.py``: the CPU time each request costs its web thread,
written per process to ``$DATAJAM_LOAD_TIMING/<pid>.tsv`` (method, path, query, htmx or not,
CPU ms), so that the bench can say which pages the web tier's CPU goes to."""

import os
import threading
import time

_local = threading.local()
_files: dict[int, object] = {}
_lock = threading.Lock()


def pre_request(worker, req) -> None:
    _local.started = time.thread_time()


def post_request(worker, req, environ, resp) -> None:
    started = getattr(_local, "started", None)
    if started is None:
        return
    cpu_ms = (time.thread_time() - started) * 1000
    hx = "1" if environ.get("HTTP_HX_REQUEST") else ""
    line = f"{req.method}\t{req.path}\t{req.query or ''}\t{hx}\t{cpu_ms:.3f}\n"
    pid = os.getpid()
    with _lock:
        handle = _files.get(pid)
        if handle is None:
            folder = os.environ["DATAJAM_LOAD_TIMING"]
            handle = _files[pid] = open(os.path.join(folder, f"{pid}.tsv"), "a", buffering=1)
        handle.write(line)
