"""``manage.py rundev``: the web server, a Celery worker and beat in one command.

Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are stopped too.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together (development)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--concurrency", default="2")

    def handle(self, *args, host, port, concurrency, **options):
        bin_dir = os.path.dirname(sys.executable)
        celery = os.path.join(bin_dir, "celery")
        schedule = str(settings.VAR_DIR / "celerybeat-schedule")
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                celery, "-A", "datajam", "worker", "-Q", "scoring,default",
                "--concurrency", concurrency, "--loglevel", "INFO", "-n", "dev@%h",
            ],
            "beat": [celery, "-A", "datajam", "beat", "--loglevel", "INFO", "-s", schedule],
        }  # fmt: skip
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"DataJam is running at http://{host}:{port}/ with a worker and beat "
                f"(broker: {settings.CELERY_BROKER_URL.split('@')[-1]}). Ctrl-C stops everything."
            )
        )
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}.")
                        stopping = True
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped.")
