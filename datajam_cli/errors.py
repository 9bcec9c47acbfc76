"""Exit codes: each failure a script may want to tell apart has its own (``datajam --help``)."""

OK = 0
UNEXPECTED = 1
USAGE = 2  # click's own for a wrong command line
NO_SERVER = 3
BAD_TOKEN = 4
NOT_FOUND = 5
REFUSED = 6
OVER_QUOTA = 7
SCORING_FAILED = 8
THROTTLED = 9
WAIT_TIMEOUT = 10

EXIT_CODES_HELP = """\b
Exit codes:
  0  done
  1  unexpected error
  2  wrong command line
  3  no DataJam server at the URL (down, wrong address)
  4  not logged in, or the token is wrong, expired or revoked
  5  not found, or not allowed (someone else's submission, a hidden board)
  6  refused by the server (invalid file, rules not accepted, no team, phase closed)
  7  over quota (the message gives the next reset)
  8  scoring failed (submit --wait, status)
  9  too many requests: wait and retry
  10 --wait gave up before the score came
"""


class CliError(Exception):
    """One line for the person, and the exit code for scripts."""

    def __init__(self, message: str, code: int = UNEXPECTED):
        super().__init__(message)
        self.code = code
