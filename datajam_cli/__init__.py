"""``datajam``: the command-line client of a DataJam site's REST API (``datajam --help``)."""

__version__ = "0.1.0"
