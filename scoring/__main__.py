"""Command line: ``python -m scoring evaluate|validate-truth ...``.

Exit status 0 when scored (or the truth is valid), 2 when a file is invalid (the message goes to
stderr and says whether the submission or the truth is at fault), as argparse does for bad usage.
"""

import argparse
import json
import sys

from .api import evaluate, validate_truth
from .errors import InvalidSubmission, InvalidTruth
from .specs import TASKS

EXIT_INVALID = 2


def format_value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.6f}"


def format_result(task: str, result: dict) -> str:
    spec = TASKS[task]
    names = [m for m in spec.metrics if m in result["all"]]
    width = max(len(spec.metric_labels.get(m, m)) for m in names)
    lines = [f"{'metric':<{width}}  {'all':>14}  {'public':>14}  {'private':>14}"]
    for name in names:
        label = spec.metric_labels.get(name, name)
        marker = " *" if name == spec.default_metric else ""
        cells = "  ".join(
            f"{format_value(result[s].get(name)):>14}" for s in ("all", "public", "private")
        )
        lines.append(f"{label:<{width}}  {cells}{marker}")
    lines.append(f"rows submitted: {result['n_submitted']:,}   (* default primary metric)")
    for warning in result["warnings"]:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    scoring = commands.add_parser("evaluate", help="score a submission against the truth")
    scoring.add_argument("--task", required=True, choices=sorted(TASKS))
    scoring.add_argument("--truth", required=True, help="truth CSV (.csv or .csv.gz)")
    scoring.add_argument("--submission", required=True, help="submission CSV (.csv or .csv.gz)")
    scoring.add_argument("--json", action="store_true", help="print the result as JSON")
    checking = commands.add_parser("validate-truth", help="check a ground-truth file")
    checking.add_argument("--task", required=True, choices=sorted(TASKS))
    checking.add_argument("--truth", required=True)
    checking.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)

    try:
        if args.command == "evaluate":
            result = evaluate(args.task, args.truth, args.submission)
            print(json.dumps(result, indent=2) if args.json else format_result(args.task, result))
        else:
            summary = validate_truth(args.task, args.truth)
            if args.json:
                print(json.dumps(summary, indent=2))
            else:
                for key, value in summary.items():
                    if key != "warnings":
                        print(f"{key}: {value}")
                for warning in summary.get("warnings", []):
                    print(f"warning: {warning}")
                print("The truth file is valid.")
    except InvalidSubmission as error:
        print(f"Invalid submission: {error}", file=sys.stderr)
        return EXIT_INVALID
    except InvalidTruth as error:
        print(
            f"Invalid ground truth (the truth file is at fault, not the submission): {error}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except OSError as error:
        print(f"Cannot read a file: {error}", file=sys.stderr)
        return EXIT_INVALID
    return 0


if __name__ == "__main__":
    sys.exit(main())
