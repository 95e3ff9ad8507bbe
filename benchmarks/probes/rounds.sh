#!/usr/bin/env bash
# A development probe (not run by Maven): an A/B of peers in alternating rounds, for ratios on a VM whose speed
# drifts over minutes. Each round runs one fork of every benchmark for every peer, the peers' order reversed every
# other round, so that drift falls on all peers alike; a JMH run with -f N takes every fork of one peer before the
# next, and carries the drift into the ratio (benchmarks/RESULTS-persistence.md). Then prints, per benchmark, the
# median of all iterations of each peer, its ratio to the first peer, and the ratio in each round.
#
#   benchmarks/probes/rounds.sh ROUNDS 'AllocFreeBenchmark ChurnBenchmark' 'slabforgeConfined slabforgeFile' [JVM option ...]
# A benchmark may be Class.method, to run one method of a class.
#
# A peer may be jar:peer, to compare builds (jar defaults to $JAR, else benchmarks/target/benchmarks.jar). The
# options replace the benchmarks' own @Fork options (JMH's -jvmArgsAppend), so --enable-native-access is added
# unless NATIVE=0. JMH settings: $JMH, default "-f 1 -wi 3 -w 1 -i 5 -r 1". Results stay in $OUT (default: a new
# directory under /tmp), one JSON file per fork.
set -euo pipefail
rounds=$1; benchmarks=$2; peers=($3); shift 3
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
jar=${JAR:-$(dirname "$0")/../target/benchmarks.jar}
out=${OUT:-$(mktemp -d /tmp/rounds.XXXXXX)}; mkdir -p "$out"
settings=${JMH:--f 1 -wi 3 -w 1 -i 5 -r 1}
options="-Xms2g -Xmx2g $*"
[ "${NATIVE:-1}" = 0 ] || options="$options --enable-native-access=ALL-UNNAMED"
echo "results: $out" >&2
for round in $(seq 1 "$rounds"); do
    order=("${peers[@]}")
    if [ $((round % 2)) = 0 ]; then
        order=(); for ((i = ${#peers[@]} - 1; i >= 0; i--)); do order+=("${peers[i]}"); done
    fi
    for benchmark in $benchmarks; do
        for each in "${order[@]}"; do
            if [[ $each == *:* ]]; then peerJar=${each%%:*}; peer=${each##*:}; else peerJar=$jar; peer=$each; fi
            slot=$(printf '%s' "$each" | tr -c 'A-Za-z0-9._-' '_')
            # shellcheck disable=SC2086 # the settings are words
            "$java" -jar "$peerJar" "^io.slabforge.benchmarks.$benchmark(\.|\$)" -p "peer=$peer" $settings -jvm "$java" \
                -jvmArgsAppend "$options" -rf json -rff "$out/$benchmark@$slot@$round.json" > "$out/$benchmark@$slot@$round.log" 2>&1
        done
    done
done
peerSlots=(); for each in "${peers[@]}"; do peerSlots+=("$(printf '%s' "$each" | tr -c 'A-Za-z0-9._-' '_')"); done
"$java" -cp "$jar" "$(dirname "$0")/RoundsMedians.java" "$out" "$rounds" "$benchmarks" "${peerSlots[@]}"
