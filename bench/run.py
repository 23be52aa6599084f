"""Run every benchmark in bench/ (or the ones named): `make bench` or `make bench ONLY=pages`."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"run", "harness", "floor_app", "wsgi_without_memo"}  # helpers, not benchmarks


def main(names):
    scripts = sorted(p for p in HERE.glob("*.py") if p.stem not in NOT_BENCHMARKS)
    if names:
        scripts = [p for p in scripts if p.stem in names]
    failed = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode:
            failed.append(script.stem)
    if failed:
        raise SystemExit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
