#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (cargo fuzz, libFuzzer, nightly).
#   scripts/fuzz.sh              every target for 10 s (make test's short step)
#   scripts/fuzz.sh 600          every target for 600 s (make fuzz)
#   scripts/fuzz.sh 60 callback  one target
#   FUZZ_RUNS=10000000 scripts/fuzz.sh 0 callback   a fixed number of
#                                executions instead of a time (make fuzz-runs)
#   FUZZ_SANITIZER=none ...      build without AddressSanitizer: the same
#                                coverage-guided search, 2-3x the executions
#                                per second, for long runs of safe Rust
# Each run starts from the committed seeds (fuzz/corpus/<target>) plus what
# earlier runs found (target/fuzz-corpus/<target>), and prints the number of
# executions; a crash fails the script and leaves the input under
# fuzz/artifacts/<target>/ (add it to the seeds once fixed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-10}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(callback webhook_signature instance_json platform_error sandbox_http login_callback url_check event_notification state_token)
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo +nightly install cargo-fuzz --version 0.13.2 --locked
cd "$root/fuzz"
sanitizer="${FUZZ_SANITIZER:-address}"
cargo +nightly fuzz build --sanitizer "$sanitizer" 2>&1 | tail -n 1
total=0
for t in "${targets[@]}"; do
  work="$root/target/fuzz-corpus/$t"
  mkdir -p "$work"
  log="$(mktemp)"
  if [ -n "${FUZZ_RUNS:-}" ]; then
    bound=(-runs="$FUZZ_RUNS")
  else
    bound=(-max_total_time="$seconds")
  fi
  started="$(date +%s)"
  if ! cargo +nightly fuzz run --sanitizer "$sanitizer" "$t" "$work" "corpus/$t" -- \
      "${bound[@]}" -print_final_stats=1 -timeout=60 -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz: $t FAILED (input under fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  total=$((total + runs))
  printf 'fuzz: %-18s %10s executions in %ss, 0 crashes\n' "$t" "$runs" "$(($(date +%s) - started))"
  rm -f "$log"
done
echo "fuzz: all targets passed ($total executions)"
