"""`python -m pipeline backup --out FILE`: pg_dump custom format plus FILE.manifest.json."""

import argparse


def dump_path(value: str):
    from pathlib import Path

    if not value or len(value) > 1024 or any(ord(c) < 32 for c in value):
        raise argparse.ArgumentTypeError(f"invalid backup file name {value[:60]!r}")
    path = Path(value)
    if path.suffix != ".dump":
        raise argparse.ArgumentTypeError(f"backup file {value[:60]!r} must end in .dump")
    try:
        if not path.parent.is_dir():
            raise argparse.ArgumentTypeError(f"folder of {value[:60]!r} does not exist")
        if path.exists():
            raise argparse.ArgumentTypeError(f"{value[:60]!r} exists; backups never overwrite")
    except OSError as exc:  # a name too long for the file system
        raise argparse.ArgumentTypeError(f"unusable backup file name {value[:60]!r}: "
                                         f"{exc.strerror}") from None
    return path


def configure(parser):
    parser.add_argument("--out", type=dump_path, required=True,
                        help="new file ending in .dump; its manifest is written beside it")


def run(args) -> dict:
    from pipeline.ops.backup import backup

    return backup(args.out)
