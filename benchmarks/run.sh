#!/usr/bin/env bash
# The full benchmark run of issue 4: every JMH benchmark against every peer, the footprint/GC program, then
# RESULTS.md and performance.png from the raw results. One JMH run at a time per machine (JMH takes
# /tmp/jmh.lock). Takes about 25 minutes on a 2-core machine (AllocatorBenchmark, issue 5, adds about 5), plus
# about 6 for the checked floors and the slabforge*Setters peers (12 more benchmark/peer pairs, about 30 s each).
#
#   benchmarks/run.sh            the full run (the options below), results in benchmarks/results/
#   benchmarks/run.sh --quick    a short pass of everything to check the pipeline (numbers not meaningful)
#   JAVA=/path/to/java benchmarks/run.sh    use that JDK (22+) instead of the first one found
set -euo pipefail
cd "$(dirname "$0")/.."

# Fixed, documented JMH options: 3 forks x (3 x 1 s warm-up + 5 x 1 s measurement) per benchmark and peer,
# average time, with -prof gc (heap bytes per operation).
FORKS=3 WARMUP_ITERATIONS=3 WARMUP_TIME=1s ITERATIONS=5 ITERATION_TIME=1s
FOOTPRINT_ARGS=()
OUT=benchmarks/results
if [[ "${1:-}" == "--quick" ]]; then
  FORKS=1 WARMUP_ITERATIONS=1 WARMUP_TIME=200ms ITERATIONS=2 ITERATION_TIME=200ms
  FOOTPRINT_ARGS=(--live 1000000 --churn 2000000)
  OUT=benchmarks/target/quick-results
fi
# Every fork: fixed heap; FFM downcalls (mallocFree); JMH's and Netty's sun.misc.Unsafe without warnings on
# JDK 23+ (Ignore... lets JDK 22 skip that flag); Netty's leak detector off (its fastest setting).
JVM_ARGS="-Xms2g -Xmx2g --enable-native-access=ALL-UNNAMED -XX:+IgnoreUnrecognizedVMOptions \
--sun-misc-unsafe-memory-access=allow -Dio.netty.leakDetection.level=disabled \
--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"

feature_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
pick_java() {
  local candidate
  for candidate in "${JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25*/bin/java \
                   /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]] && (( $(feature_version "$candidate") >= 22 )); then
      echo "$candidate"; return
    fi
  done
  echo "benchmarks/run.sh: no JDK 22+ found; set JAVA=/path/to/bin/java" >&2; exit 1
}
JAVA_BIN=$(pick_java)

./mvnw -B -q -pl benchmarks -am package -DskipTests
JAR=benchmarks/target/benchmarks.jar

mkdir -p "$OUT"
rm -f "$OUT"/jmh.json "$OUT"/jmh.log "$OUT"/footprint.tsv "$OUT"/env.properties
start=$(date +%s)
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "java=$("$JAVA_BIN" -version 2>&1 | sed -n 2p)"
  echo "jmh=1.37; $FORKS forks x ($WARMUP_ITERATIONS x $WARMUP_TIME warm-up + $ITERATIONS x $ITERATION_TIME measurement), \
average time, -prof gc; fork JVM options: $JVM_ARGS"
  echo "machine=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores, \
$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "os=$(uname -sr)"
  echo "load.before=$(uptime)"
} > "$OUT/env.properties"

"$JAVA_BIN" -jar "$JAR" -f "$FORKS" -wi "$WARMUP_ITERATIONS" -w "$WARMUP_TIME" -i "$ITERATIONS" \
  -r "$ITERATION_TIME" -jvmArgsAppend "$JVM_ARGS" -foe true -prof gc -rf json -rff "$OUT/jmh.json" \
  'io\.slabforge\.benchmarks\..*Benchmark' 2>&1 | tee "$OUT/jmh.log"

"$JAVA_BIN" -cp "$JAR" io.slabforge.benchmarks.Footprint all "${FOOTPRINT_ARGS[@]}" --out "$OUT/footprint.tsv"

{
  echo "load.after=$(uptime)"
  echo "duration=$(( ($(date +%s) - start) / 60 )) min"
} >> "$OUT/env.properties"

if [[ "$OUT" == benchmarks/results ]]; then
  REPORT=benchmarks/RESULTS.md CHART=benchmarks/performance.png
else
  REPORT=$OUT/RESULTS.md CHART=$OUT/performance.png
fi
"$JAVA_BIN" -cp "$JAR" io.slabforge.benchmarks.Report "$OUT" "$REPORT" "$CHART" \
  benchmarks/src/main/java/io/slabforge/benchmarks/Floor.java benchmarks/ANALYSIS.md
echo "wrote $REPORT, $CHART and the README figures (headline.png, memory.png beside it) from $OUT/"
