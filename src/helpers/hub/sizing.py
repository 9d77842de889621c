"""How big a room server must be: each lesson run in a fresh kernel, its peak memory and CPU time measured.

    python -m helpers.hub.sizing [--lessons 01 02 ...] [--memory-gb 24] [--cores 2]

runs each lesson (in the current settings: quick mode with ``TUTORIAL_QUICK=1``) the way a learner's kernel runs
it, reads the kernel's peak resident memory (``VmHWM``) and CPU time from ``/proc`` (Linux) when it finishes, and
prints a table and how many learners a server of the given size holds at once.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers import cli
from helpers.errors import HubError
from helpers.hub import lesson_files

# What the system, the hub, the proxy and each learner's Jupyter server need besides the kernels (measured: a
# Jupyter server is about 100 MB; the rest is headroom for the file cache and the OS).
RESERVED_GB = 2.0
SERVER_GB = 0.15


@dataclass(frozen=True)
class LessonCost:
    lesson: str
    peak_rss_gb: float
    cpu_s: float
    wall_s: float


def kernel_cost(pid: int) -> tuple[float, float]:
    """The peak resident memory (GB) of process ``pid`` and its CPU time (s, user + system, with the children it
    waited for, such as benchmark_app) so far, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return peak_kb / 1024**2, sum(int(f) for f in fields[11:15]) / ticks


def measure_lesson(notebook: Path) -> LessonCost:
    """Run ``notebook`` in a fresh kernel, in a temporary folder as a learner's, and measure the kernel."""

    nb = nbformat.read(notebook, as_version=4)
    folder = Path(tempfile.mkdtemp(prefix="sizing-"))
    client = NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    start = time.monotonic()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        peak, cpu = kernel_cost(pid)
    shutil.rmtree(folder, ignore_errors=True)
    return LessonCost(notebook.name, peak, cpu, time.monotonic() - start)


def learners_at_once(costs: list[LessonCost], memory_gb: float) -> int:
    """How many learners fit in ``memory_gb`` when each holds one kernel of the heaviest lesson and a server."""
    heaviest = max(c.peak_rss_gb for c in costs)
    return max(0, int((memory_gb - RESERVED_GB) // (heaviest + SERVER_GB)))


def describe(costs: list[LessonCost], memory_gb: float, cores: int) -> str:
    rows = [f"| {c.lesson[:2]} | {c.peak_rss_gb:.2f} | {c.cpu_s:.0f} | {c.wall_s:.0f} |" for c in costs]
    fits = learners_at_once(costs, memory_gb)
    heaviest = max(costs, key=lambda c: c.cpu_s)
    return "\n".join([
        "| lesson | kernel peak memory (GB) | CPU time (s) | wall time (s) |",
        "|---|---|---|---|", *rows, "",
        f"A {cores}-core / {memory_gb:g} GB server holds {fits} learners' kernels at once by memory (each the "
        f"heaviest lesson's peak plus {SERVER_GB:g} GB for its Jupyter server, {RESERVED_GB:g} GB kept for the "
        f"system). CPU is shared: N learners running Lesson {heaviest.lesson[:2]} together take about "
        f"N x {heaviest.cpu_s:.0f} s / {cores} cores of wall time.",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = cli.ArgumentParser(prog="python -m helpers.hub.sizing", description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", default=None, metavar="NN", help="lesson numbers (default: all)")
    parser.add_argument("--memory-gb", type=float, default=24.0, help="the server's memory (default 24)")
    parser.add_argument("--cores", type=cli.positive_int, default=2, help="the server's cores (default 2)")
    args = parser.parse_args(argv)

    def run() -> int:
        if not Path("/proc/self/status").exists():
            raise HubError("Sizing reads /proc, which only Linux has: run it on the room's (Linux) server.")
        lessons = [p for p in lesson_files() if p.suffix == ".ipynb"
                   and (args.lessons is None or p.name[:2] in args.lessons)]
        costs = []
        for lesson in lessons:
            costs.append(measure_lesson(lesson))
            print(f"{lesson.name}: {costs[-1].peak_rss_gb:.2f} GB peak, {costs[-1].cpu_s:.0f} s CPU", flush=True)
        print(describe(costs, args.memory_gb, args.cores))
        return 0

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())
