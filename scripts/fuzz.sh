#!/usr/bin/env bash
# Fuzzes the Jazzer @FuzzTests for a while (the build only replays their committed inputs, in regression mode).
#
#   scripts/fuzz.sh [DURATION] [TARGET...]
#
# DURATION: how long to fuzz each target, in minutes (default 2). Each Jazzer run lasts its @FuzzTest's maxDuration
# (2 minutes), so a target is run again, continuing from its corpus, until DURATION is used up.
# TARGET: module:TestClass, default every fuzz test:
#   runtime:HandleApiFuzzTest runtime:SlabAllocatorFuzzTest runtime:SlabByteQueueFuzzTest
#   runtime:FileCacheFuzzTest processor:ProcessorFuzzTest
# The growing corpus stays in <module>/.cifuzz-corpus/ (ignored by git); a finding is written as a crash file
# under <module>/src/test/resources/<package>/<TestClass>Inputs/<method>/, where the build replays it from then on:
# fix the bug, keep the file. Logs go to target/fuzz-<TestClass>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:-2}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(runtime:HandleApiFuzzTest runtime:SlabAllocatorFuzzTest runtime:SlabByteQueueFuzzTest
           runtime:FileCacheFuzzTest processor:ProcessorFuzzTest)
fi
rounds=$(( (minutes + 1) / 2 ))
[ "$rounds" -ge 1 ] || rounds=1

./mvnw -B -q -o -pl runtime,processor install -DskipTests -Dmaven.javadoc.skip=true -Dinvoker.skip=true
mkdir -p target
status=0
for target in "${targets[@]}"; do
  module="${target%%:*}"
  test="${target#*:}"
  log="target/fuzz-$test.log"
  : > "$log"
  echo "fuzzing $test ($module) for $rounds x 2 minutes; log: $log"
  for ((round = 1; round <= rounds; round++)); do
    # default-test only: the runtime's no-native-access execution cannot load Jazzer's native driver.
    if ! (cd "$module" && JAZZER_FUZZ=1 ../mvnw -B -o test-compile surefire:test@default-test -Dtest="$test" \
          -Dsurefire.failIfNoSpecifiedTests=false >> "../$log" 2>&1); then
      echo "  $test: finding or failure in round $round, see $log"
      status=1
      break
    fi
  done
  grep -E "^Done [0-9]+ runs|DONE " "$log" | tail -n "$((rounds * 2))" | sed 's/^/  /' || true
done
exit "$status"
