"""The client is a plain HTTP client: it imports neither Django nor the site's apps, so it
installs and runs on a team's machine with requests alone."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_client_imports_no_server_code():
    script = (
        "import sys, datajam_cli.main\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'rest_framework', 'celery', 'competitions', 'accounts', 'api', 'judging', "
        "'scoring', 'datajam'})\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
