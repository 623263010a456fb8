#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The main job: install what is missing, build, and run the simulator on its
# default topology (the seed's figure 3a site). Extra arguments go to `dupg-sim run`.
# The build speaks only when it fails (scripts/build.sh, _build/build.log); on a
# terminal the run shows its table and writes fig3a-report.json (sim/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec _build/sim/dupg-sim run sim/topologies/fig3a.json "$@"
