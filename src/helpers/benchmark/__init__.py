"""Benchmarks a learner can trust: latency and throughput of an IR on any OpenVINO device, measured the
way OpenVINO's ``benchmark_app`` measures them, and the knobs that change them.

    python -m helpers.benchmark [--model PATH] [--device CPU] [--hint latency|throughput|cumulative_throughput]
                                [--batch N] [--time SECONDS] [--precision f32|bf16] [--input u8|f32]
                                [--pairs N] [--no-benchmark-app] [--json FILE]

The parts:
- ``measure``: the loops (benchmark_app's synchronous and asynchronous ones), ``Result``, compiling an
  IR as benchmark_app does, TensorFlow and OpenVINO timed at the same numpy boundary, compile times;
  its names are imported from here (``from helpers.benchmark import benchmark``);
- ``app``: the same settings run by ``benchmark_app`` itself, its report read, the two tools alternated
  and compared (``from helpers.benchmark import app``);
- ``devices``: which devices run here, what is missing for one that does not, the CPU's INT8 features;
- ``demo``: Open Model Zoo's classification benchmark demo (``python -m helpers.benchmark.demo``);
- the command line above is ``helpers.cli.benchmark``, over ``measure`` and ``app``.
"""
# The package's names are the measurements' (measure.__all__), so a lesson writes ``from helpers.benchmark import ...``.
from helpers.benchmark.measure import *  # noqa: F403
from helpers.benchmark.measure import __all__  # noqa: F401
