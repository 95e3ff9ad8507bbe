#!/usr/bin/env bash
# Reproducible-build check: builds the published artifacts (runtime and processor: jar, sources, javadoc, and the
# processor's dependency-reduced POM) twice from clean, the second time in another time zone, with another umask
# and a minute's worth of wall clock later, and compares the SHA-256 of every file. Exit 0 when all match.
# Takes about a minute (two `package` builds without tests). Usage: scripts/check-reproducible.sh
set -euo pipefail
cd "$(dirname "$0")/.."

files=(
  runtime/target/slabforge-runtime-*.jar
  processor/target/slabforge-processor-*.jar
  processor/target/dependency-reduced-pom.xml
)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

build() { # $1: name of the sums file
  ./mvnw -B -q -pl runtime,processor clean package -DskipTests
  # shellcheck disable=SC2068 # the globs are meant to expand here, after the build
  sha256sum ${files[@]} | grep -v '/original-' > "$out/$1"
}

build first
sleep 2
( umask 0002; TZ=Pacific/Kiritimati LC_ALL=C build second )

if diff -u "$out/first" "$out/second"; then
  echo "reproducible: $(wc -l < "$out/first") files identical in two builds"
  cat "$out/first"
else
  echo "NOT reproducible: the files above differ between two builds of the same sources" >&2
  exit 1
fi
