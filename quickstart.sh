#!/usr/bin/env bash
# One command from a fresh checkout to a trained model: installs what is missing, builds, then trains an
# MLP on Fashion-MNIST with an embedded coordinator and 2 local worker processes for 3 epochs.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
exec ./ringmaster run examples/fashion-mlp.yaml --workers 2 --epochs 3 --summary runs/quickstart-summary.json "$@"
