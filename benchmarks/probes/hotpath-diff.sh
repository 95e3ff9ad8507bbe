#!/usr/bin/env bash
# A development probe (not run by Maven): compares the machine code C2 makes for the fast paths of
# ParticleSlab.allocate(Particle) and ParticleSlab.free(long), compiled on their own, in two benchmark jars.
# Register names, addresses and constants are normalised away; what is left is the instruction sequence, so
# "0 differing lines" means the two builds run the same instructions on that path (see benchmarks/ANALYSIS.md,
# "What the monitoring hooks cost"). Needs hsdis (benchmarks/hsdis) in $HSDIS_DIR.
#
#   benchmarks/probes/hotpath-diff.sh before.jar after.jar [NONE|CONFINED|LOCKED|FILE ...]
set -euo pipefail
a=$1; b=$2; shift 2
modes=${*:-NONE CONFINED}
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
javac=${JAVAC:-$(dirname "$java")/javac}
hsdis=${HSDIS_DIR:-/tmp/hsdis}
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT; echo "work: $work" >&2
"$javac" -cp "$a" -d "$work" "$(dirname "$0")/Probe5.java"
# A compressed reference is decoded by either `shl r, 3` or `lea r, [r12 + r*8]` (the same value): both become
# DECODE. The nmethod entry barrier compares a per-compilation epoch: ENTRY-BARRIER.
normalise() {
    sed -E 's/^\s+0x[0-9a-f]+:\s+//; s/;.*//; s/\s+$//; s/\b(r[0-9]+[dwb]?|e[a-d]x|r[a-d]x|e[sd]i|r[sd]i|ebp|rbp|[sd]il|bpl|[a-d]l)\b/R/g; s/0x[0-9a-f]+/N/g' \
        | sed -E 's/^(shl\s+R, 3|lea\s+R, \[R \+ R\*8\])$/DECODE/; s/^cmp\s+dword ptr \[R \+ N\], [0-9]+$/ENTRY-BARRIER/'
}
# The first C2 compilation of a method, its instructions up to the end of the stubs, normalised.
method() {
    awk -v m="ParticleSlab::$2 " '/Compiled method \(c2\)/ { f = index($0, m) > 0; if (f) n++ } f && n == 1' "$1" \
        | grep -E '^\s+0x' | normalise
}
for mode in $modes; do
    for jar in "$a" "$b"; do
        LD_LIBRARY_PATH="$hsdis" "$java" --enable-native-access=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions \
            -XX:CompileCommand=quiet \
            -XX:CompileCommand=dontinline,io.slabforge.benchmarks.ParticleSlab::allocate \
            -XX:CompileCommand=dontinline,io.slabforge.benchmarks.ParticleSlab::free \
            -XX:CompileCommand=print,io.slabforge.benchmarks.ParticleSlab::allocate \
            -XX:CompileCommand=print,io.slabforge.benchmarks.ParticleSlab::free \
            -XX:PrintAssemblyOptions=intel -cp "$jar:$work" Probe5 "$mode" true > "$work/$(basename "$jar").$mode.txt" 2>&1
    done
    for m in allocate free; do
        method "$work/$(basename "$a").$mode.txt" "$m" > "$work/a.txt"; cp "$work/a.txt" "$work/$mode.$m.a"
        method "$work/$(basename "$b").$mode.txt" "$m" > "$work/b.txt"; cp "$work/b.txt" "$work/$mode.$m.b"
        # The fast path ends at the first return. "reordered" compares the two fast paths as sets of instructions
        # (C2's scheduler may order the same instructions differently from one compilation to the next).
        ret=$(grep -n '^ret' "$work/a.txt" | head -1 | cut -d: -f1)
        hot=$(diff <(head -"$ret" "$work/a.txt") <(head -"$ret" "$work/b.txt") | grep -c '^[<>]' || true)
        reordered=$(diff <(head -"$ret" "$work/a.txt" | sort) <(head -"$ret" "$work/b.txt" | sort) | grep -c '^[<>]' || true)
        all=$(diff "$work/a.txt" "$work/b.txt" | grep -c '^[<>]' || true)
        calls=$(head -"$ret" "$work/a.txt" | grep -c '^call' || true)
        printf '%-8s %-8s instructions %4d / %4d; fast path %3d instructions, %d calls, %d lines differ (%d as sets); %d lines differ in all\n' \
            "$mode" "$m" "$(wc -l < "$work/a.txt")" "$(wc -l < "$work/b.txt")" "$ret" "$calls" "$hot" "$reordered" "$all"
    done
done
