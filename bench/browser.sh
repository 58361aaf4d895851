#!/usr/bin/env bash
# Browser capture against plain HTTP, in one run: pages per second of headless Chromium on the
# fixture's JavaScript site (consent clicked, the ad waited for, DOM read, full-page screenshot)
# against plain-HTTP fetches of the fixture marketplace's server-rendered ad pages, with 1, 2 and 4
# tabs (requests in flight), and the peak memory of Chromium's processes.
#   bench/browser.sh [PAGES] [TABS...]   (default 60 pages; tabs 1 2 4)
# Needs Debian's chromium (apt-get install chromium). Writes bench/out/browser.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || {
    apt-get install -y -qq chromium >/dev/null 2>&1 || { echo "bench/browser.sh needs chromium" >&2; exit 1; }
}
cargo build --release -q -p wildwatch-crawl --example browser_bench
./target/release/examples/browser_bench "${1:-60}" "${@:2}" | tee bench/out/browser.txt
