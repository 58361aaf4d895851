#!/usr/bin/env bash
# Language identification: accuracy per gold language on title + description and on the title
# alone, with and without the platform prior, and µs per ad on one thread.
#   bench/lang.sh [DIR...]   (default: data/eval data/eval/market; *.jsonl directly in each DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- data/eval data/eval/market
cargo run --release -q -p wildwatch-text --example langid -- "$@"
