#!/usr/bin/env bash
# Runs every libFuzzer harness of a -Dfuzzing=true build for a while.
#
#   tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS [HARNESS…]
#
# Each harness starts from its seed corpus (tests/fuzz/corpus/NAME, never
# written to) and keeps what it finds in a scratch folder. A crash, a leak,
# a timeout (10 s for one input) or running out of memory (2 GiB) fails
# the harness; its input is kept in the scratch folder and named in the
# output. Prints one line per harness: executions, and how long it ran.
# Exits non-zero when any harness failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run-fuzzers.sh BUILD_DIR SECONDS [HARNESS…]}
seconds=${2:?usage: run-fuzzers.sh BUILD_DIR SECONDS [HARNESS…]}
shift 2
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  harnesses=(json-stream coco-instances coco-predictions labelme-import taxonomy-import
             image-decoder project-open)
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bw-fuzz-run-XXXXXX")
asan_options=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export LSAN_OPTIONS=suppressions=$here/lsan.supp
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0

for name in "${harnesses[@]}"; do
  exe=$build/tests/fuzz/fuzz-$name
  mkdir -p "$scratch/$name/corpus" "$scratch/$name/artifacts"
  # The image decoder's leak suppression (lsan.supp) names a gdk-pixbuf
  # loader, and GLib and the loaders have no frame pointers: only the slow
  # unwinder finds the loader's frame under g_malloc(). It costs ten times
  # the run time, so the other harnesses, which need no suppression, keep
  # the fast one; every harness detects leaks all the same.
  export ASAN_OPTIONS=$asan_options
  if [ "$name" = image-decoder ]; then
    export ASAN_OPTIONS=$asan_options:fast_unwind_on_malloc=0
  fi
  start=$SECONDS
  "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$scratch/$name/artifacts/" \
    "$scratch/$name/corpus" "$here/corpus/$name" >"$scratch/$name/log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$name/log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    printf 'fuzz-%-17s ok: %s executions in %d s\n' "$name" "${runs:-?}" $((SECONDS - start))
  else
    failed=$((failed + 1))
    printf 'fuzz-%-17s FAILED (exit %d) after %s executions in %d s; input: %s\n' "$name" "$rc" \
      "${runs:-?}" $((SECONDS - start)) "$(ls "$scratch/$name/artifacts/" | head -1)"
    grep -E 'ERROR|SUMMARY|#[0-9]+ in ' "$scratch/$name/log" | head -20
  fi
done

if [ "$failed" -gt 0 ]; then
  echo "$failed harness(es) failed; their inputs and logs are in $scratch"
  exit 1
fi
rm -rf "$scratch"
