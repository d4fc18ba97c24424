#!/usr/bin/env bash
# HTTP load figures for docs/benchmarks.md: the server in its own process (Engram.Bench serve), then
# sequential keep-alive GET /v1/buckets from 1, 16 and 64 clients, each run bounded to SECONDS and a
# request count; RSS of the server process before and after. Loopback only.
#   bench/scripts/measure-http-load.sh [repo-root] [seconds]
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
seconds="${2:-5}"
dotnet build "$root/bench/Engram.Bench" -c Release -nologo -v q >/dev/null
bench="$root/bench/Engram.Bench/bin/Release/net10.0/Engram.Bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key="bench-key-$$"
mkfifo "$work/in"
"$bench" serve --db "$work/load.db" --api-key "$key" < "$work/in" > "$work/out" &
pid=$!
exec 3>"$work/in"
for _ in $(seq 1 100); do grep -q LISTENING "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(awk '/LISTENING/ {print $2}' "$work/out")
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "rss_before: $(rss)"
for clients in 1 16 64; do
  "$bench" http-load --url "$url" --api-key "$key" --clients "$clients" --seconds "$seconds"
done
echo "rss_after: $(rss)"
echo stop >&3
exec 3>&-
wait "$pid"
