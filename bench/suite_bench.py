"""How long the README's test command takes in a fresh clone of this repository.

    python -m bench.suite_bench [--marker "slow"] [--keep]

Clones the committed tree (HEAD) into a temporary folder, installs it into a virtualenv made
over the current interpreter's packages (`--system-site-packages`, so only the package itself
is installed, without the network), runs `python -m pytest -q` there and prints the wall time,
the CPU time of everything it started, and the load average before and after (the machine is
shared, so the load says how busy it was). Writes JSON to bench/out/suite_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out" / "suite_bench.json"


def fresh_clone(folder: Path) -> Path:
    """HEAD cloned into `folder`/clone with its own virtualenv; returns the virtualenv's python."""
    clone = folder / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder / "venv")], check=True)
    python = folder / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(clone)], check=True)
    found = subprocess.run([str(python), "-c", "import lemmata.agent; print(lemmata.agent.__file__)"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if not found.startswith(str(clone)):
        raise SystemExit(f"the clone's virtualenv imports lemmata from {found}, not from the clone")
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marker", help="pytest -m expression instead of the default selection (e.g. slow)")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its path is printed)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lemmata-suite-"))
    python = fresh_clone(folder)
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *(["-m", args.marker] if args.marker else [])]
    load_before = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder / "clone", capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]
    result = {
        "command": " ".join(command[1:]), "exit_code": done.returncode, "summary": summary,
        "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"{summary}\nwall {wall:.0f} s · CPU {cpu:.0f} s (all processes) · load {load_before[0]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after · exit {done.returncode}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.keep:
        print(f"clone kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
