"""``python -m starter``: generate a corpus (``generate``) or run the baseline (``baseline``)."""

import sys

from . import baseline, generate

USAGE = "usage: python -m starter {generate,baseline} [options]  (-h after either for help)"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    commands = {"generate": generate.main, "baseline": baseline.main}
    if not args or args[0] not in commands:
        print(USAGE, file=sys.stderr)
        return 2
    return commands[args[0]](args[1:])


if __name__ == "__main__":
    sys.exit(main())
