package io.slabforge.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.Color;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns one run of {@code benchmarks/run.sh} into {@code RESULTS.md} (medians, ratios against the floor and the
 * checked floor of the same run, the targets of issue 4 met or missed, the footprint table, the run's date, JDK,
 * machine and load) and a PNG chart. Baselines are found by name; where a result file lacks one (a partial run),
 * its ratios read "–" and the chart leaves that benchmark out.
 *
 * <pre>
 * java -cp benchmarks.jar io.slabforge.benchmarks.Report RESULTS_DIR OUT.md CHART.png FLOOR_SOURCE [ANALYSIS.md]
 * </pre>
 * {@code RESULTS_DIR} holds {@code jmh.json} (JMH's {@code -rf json}), {@code env.properties} and, optionally,
 * {@code footprint.tsv} from {@link Footprint}. {@code ANALYSIS.md}, hand-written (what the profiles say), is
 * inserted after the targets.
 */
public final class Report {

    /**
     * One benchmark of the report: JMH name, title, how a score becomes the reported number, the peer every ratio
     * is taken against and, where there is one, the checked floor, the second baseline ({@code null} if none).
     */
    private record Bench(String key, String label, String unit, boolean perObject, String baseline,
                         String checkedBaseline) {}

    private static final List<Bench> BENCHES = List.of(
            new Bench("AllocFreeBenchmark.allocWriteReadFree", "(a) allocate + write all + read one + free",
                    "ns/op", false, "floor", "floorChecked"),
            new Bench("ChurnBenchmark.churn", "(b) churn: free a random live one, allocate a replacement",
                    "ns/op", false, "floor", "floorChecked"),
            new Bench("ScanBenchmark.scan", "(c) scan: sum x over all live through a flyweight", "ns/object",
                    true, "floor", "floorChecked"),
            new Bench("SharedAllocFreeBenchmark.allocWriteReadFree", "(d) (a) from 2 threads on one shared cache",
                    "ns/op per thread", false, "floorLocked", null));

    /** Issue 5's allocator benchmarks: reported in their own table, against {@code malloc} (they have no floor). */
    private static final List<Bench> ALLOCATOR_BENCHES = List.of(
            new Bench("AllocatorBenchmark.allocWriteFree",
                    "(e) sizes 16..4096: allocate, write 2 bytes, free", "ns/op", false, "malloc", null),
            new Bench("AllocatorBenchmark.window",
                    "(f) sizes 16..4096, 1024 live: free oldest, allocate", "ns/op", false, "malloc", null));

    /** A peer's result in one benchmark. */
    /**
     * One peer's measurements: median, fastest and slowest iteration, JMH's 99.9% confidence half-width of the mean
     * (NaN with fewer than two iterations), iterations, and heap bytes per operation (NaN without {@code -prof gc}).
     */
    record Result(String peer, double median, double min, double max, double error, int samples,
                  double heapBytesPerOp) {}

    private Report() {}

    /**
     * Writes the report and the chart.
     *
     * @param args results directory, output markdown file, output PNG, path of {@code Floor.java}
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4 && args.length != 5) {
            throw new IllegalArgumentException("usage: Report RESULTS_DIR OUT.md CHART.png FLOOR_SOURCE [ANALYSIS.md]");
        }
        Path dir = Path.of(args[0]);
        Map<String, Map<String, Result>> results = read(dir.resolve("jmh.json"));
        Properties env = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("env.properties"))) {
            env.load(in);
        }
        Path footprintFile = dir.resolve("footprint.tsv");
        List<String[]> footprint = Files.exists(footprintFile)
                ? Files.readAllLines(footprintFile).stream().filter(l -> !l.isBlank()).map(l -> l.split("\t"))
                        .toList()
                : List.of();
        Path chart = Path.of(args[2]);
        writeChart(results, footprint, chart);
        writeHeadline(results, footprint, chart.resolveSibling("headline.png"), chart.resolveSibling("memory.png"));
        String analysis = args.length == 5 ? Files.readString(Path.of(args[4])) : "";
        Files.writeString(Path.of(args[1]), markdown(results, footprint, env, dir, chart,
                Files.readString(Path.of(args[3])), analysis));
    }

    /** Medians per benchmark and peer, over every measurement iteration of every fork. */
    static Map<String, Map<String, Result>> read(Path json) throws IOException {
        Map<String, Map<String, Result>> byBench = new LinkedHashMap<>();
        JsonArray runs;
        try (Reader in = Files.newBufferedReader(json)) {
            runs = JsonParser.parseReader(in).getAsJsonArray();
        }
        for (JsonElement element : runs) {
            JsonObject run = element.getAsJsonObject();
            String name = run.get("benchmark").getAsString();
            String key = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Bench bench = Stream.concat(BENCHES.stream(), ALLOCATOR_BENCHES.stream())
                    .filter(b -> b.key.equals(key)).findFirst().orElse(null);
            if (bench == null) {
                continue;
            }
            JsonObject params = run.getAsJsonObject("params");
            String peer = params.get("peer").getAsString();
            double scale = scale(run.getAsJsonObject("primaryMetric").get("scoreUnit").getAsString());
            if (bench.perObject) {
                scale /= params.get("live").getAsDouble();
            }
            List<Double> samples = new ArrayList<>();
            for (JsonElement fork : run.getAsJsonObject("primaryMetric").getAsJsonArray("rawData")) {
                for (JsonElement score : fork.getAsJsonArray()) {
                    samples.add(score.getAsDouble() * scale);
                }
            }
            samples.sort(null);
            int n = samples.size();
            double median = n % 2 == 1 ? samples.get(n / 2) : (samples.get(n / 2 - 1) + samples.get(n / 2)) / 2;
            JsonElement scoreError = run.getAsJsonObject("primaryMetric").get("scoreError");
            double error = scoreError == null || scoreError.getAsString().equals("NaN") ? Double.NaN
                    : scoreError.getAsDouble() * scale;
            JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
            double heap = secondary != null && secondary.has("gc.alloc.rate.norm")
                    ? secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble() : Double.NaN;
            byBench.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .put(peer, new Result(peer, median, samples.getFirst(), samples.getLast(), error, n, heap));
        }
        return byBench;
    }

    /** Factor from a JMH average-time unit to nanoseconds. */
    private static double scale(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> throw new IllegalArgumentException("unexpected unit " + unit);
        };
    }

    /** The benchmark's baseline in this result file, or {@code null} if it was not run. */
    private static Result baseline(Bench b, Map<String, Result> bench) {
        return bench.get(b.baseline);
    }

    /** The checked floor in this result file, or {@code null} if the benchmark has none or it was not run. */
    private static Result checkedBaseline(Bench b, Map<String, Result> bench) {
        return b.checkedBaseline == null ? null : bench.get(b.checkedBaseline);
    }

    static String markdown(Map<String, Map<String, Result>> results, List<String[]> footprint, Properties env,
                           Path dir, Path chart, String floorSource, String analysis) {
        StringBuilder md = new StringBuilder();
        md.append("# Performance\n\n");
        md.append("Generated by `benchmarks/run.sh` (`io.slabforge.benchmarks.Report`) from the raw results in `")
                .append(dir.getFileName()).append("/`. Every number below comes from one run on one machine; "
                + "ratios are against the floor and the checked floor **of the same run**. Lower is better "
                + "everywhere.\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "date", env.getProperty("date"));
        row(md, "JDK", env.getProperty("java"));
        row(md, "JMH", env.getProperty("jmh"));
        row(md, "machine", env.getProperty("machine"));
        row(md, "OS", env.getProperty("os"));
        row(md, "load before (uptime)", env.getProperty("load.before"));
        row(md, "load after (uptime)", env.getProperty("load.after"));
        row(md, "run took", env.getProperty("duration"));
        md.append('\n');
        md.append("![ratios against the floor](").append(chart.getFileName()).append(")\n\n");
        md.append("Chart: green the floors (plain, checked, locked), blue Slabforge, grey the other peers; the first "
                + "four panels are ratios to the floor on a log scale; the allocator panels (e), (f), last, are "
                + "ratios to `malloc`.\n\n");

        md.append("## Medians and ratios against the floor and the checked floor\n\n");
        md.append("Median over every measurement iteration of every fork; in brackets the ratio to `floor`, then "
                + "to `floorChecked`, the floor plus a heap `int[]` of generations with every field accessor "
                + "validating its handle on its own (what checking alone costs); for (d) only the ratio to "
                + "`floorLocked`, the floor with one `ReentrantLock` around allocate and free. `floorCheckedOffHeap` "
                + "is `floorChecked` with the generations in the floor's native segment, where the JIT cannot "
                + "prove that field stores leave them alone. `slabforgeXSetters` is `slabforgeX` filling each "
                + "particle with `allocate()` and one setter per field, as the floors do, instead of "
                + "`allocate(Particle)`; (c) allocates nothing it measures and runs without them. "
                + "A \"–\" is a peer or baseline this run did not measure.\n\n");
        md.append("| peer |");
        for (Bench b : BENCHES) {
            md.append(' ').append(b.label.substring(0, 3)).append(' ').append(b.unit).append(" |");
        }
        md.append("\n|---|");
        md.append("---:|".repeat(BENCHES.size()));
        md.append('\n');
        List<String> peers = new ArrayList<>(Peers.SINGLE);
        peers.add(peers.indexOf("floorCheckedOffHeap") + 1, "floorLocked");
        for (String peer : peers) {
            md.append("| `").append(peer).append("` |");
            for (Bench b : BENCHES) {
                Map<String, Result> bench = results.getOrDefault(b.key, Map.of());
                Result r = bench.get(peer);
                md.append(' ').append(r == null ? "–" : fmt(r.median) + " (" + ratio(r, baseline(b, bench))
                        + (b.checkedBaseline == null ? "" : ", " + ratio(r, checkedBaseline(b, bench))) + ")")
                        .append(" |");
            }
            md.append('\n');
        }
        md.append("\n");
        md.append("Benchmarks: ");
        for (Bench b : BENCHES) {
            md.append(b.label).append("; ");
        }
        md.setLength(md.length() - 2);
        md.append(".\n\n");

        allocatorTable(md, results);

        md.append("## Targets of the first performance round\n\n| target | measured | |\n|---|---|---|\n");
        for (String[] t : targets(results, footprint)) {
            md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
        }
        md.append('\n');
        if (!analysis.isBlank()) {
            md.append(analysis.strip()).append("\n\n");
        }

        if (!footprint.isEmpty()) {
            md.append("## Footprint and GC (").append(footprint.get(1)[1]).append(" live particles)\n\n");
            md.append("`io.slabforge.benchmarks.Footprint`, one fresh JVM per peer (`")
                    .append(String.join(" ", Footprint.CHILD_JVM_OPTIONS)).append("`, G1). Bytes per live "
                    + "particle: Java heap growth after a full GC plus resident native memory. For Slabforge that "
                    + "is the resident bytes (`/proc/self/smaps`) of the mappings holding the particles; for the "
                    + "other peers, whose memory cannot be told apart from the JVM's, the growth of the process's "
                    + "`VmRSS` (the heap is pre-touched, so RSS grows only by native memory). *Process RSS* is the "
                    + "`VmRSS` growth for every peer; for Slabforge it includes about 2 MB of JIT compiler arena "
                    + "memory grown during the fill (Native Memory Tracking, `Arena Chunk`). *Table* is the "
                    + "benchmark's own handle or reference array, not counted in the total. *Reserved* is what the "
                    + "cache holds from its memory provider. Then churn operations (free a random particle, "
                    + "allocate and fill a replacement), and one `System.gc()` with everything alive.\n\n");
            md.append("| peer | heap B | resident native B | **total B** | process RSS B | table B | reserved B "
                    + "| churn ns/op | churn GCs | churn GC pause ms | full GC ms |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String[] f : footprint.subList(1, footprint.size())) {
                md.append("| `").append(f[0]).append("` | ").append(f[2]).append(" | ").append(f[3]).append(" | **")
                        .append(f[4]).append("** | ").append(f.length > 11 ? f[11] : "–").append(" | ")
                        .append(f[5]).append(" | ").append(f[6]).append(" | ").append(f[7]).append(" | ")
                        .append(f[8]).append(" | ").append(f[9]).append(" | ").append(f[10]).append(" |\n");
            }
            md.append('\n');
        }

        md.append("## Per benchmark: spread and heap allocation\n\n");
        md.append("*heap B/op*: bytes allocated on the Java heap per operation (JMH `-prof gc`, "
                + "`gc.alloc.rate.norm`; for (c) per whole scan).\n\n");
        for (Bench b : BENCHES) {
            Map<String, Result> bench = results.get(b.key);
            if (bench == null) {
                continue;
            }
            boolean checked = b.checkedBaseline != null;
            md.append("### ").append(b.label).append(" (").append(b.unit).append(")\n\n");
            md.append("| peer | median | × ").append(b.baseline).append(checked ? " | × " + b.checkedBaseline : "")
                    .append(" | min | max | samples | heap B/op |\n|---|---:|").append(checked ? "---:|" : "")
                    .append("---:|---:|---:|---:|---:|\n");
            for (Result r : bench.values()) {
                md.append("| `").append(r.peer).append("` | ").append(fmt(r.median)).append(" | ")
                        .append(ratio(r, baseline(b, bench))).append(" | ")
                        .append(checked ? ratio(r, checkedBaseline(b, bench)) + " | " : "").append(fmt(r.min))
                        .append(" | ")
                        .append(fmt(r.max)).append(" | ").append(r.samples).append(" | ")
                        .append(Double.isNaN(r.heapBytesPerOp) ? "–"
                                : String.format(Locale.ROOT, "%.1f", r.heapBytesPerOp)).append(" |\n");
            }
            md.append('\n');
        }

        md.append("## The floor\n\nThe number Slabforge chases: one segment, an intrusive free list, no checks "
                + "(`benchmarks/src/main/java/io/slabforge/benchmarks/Floor.java`). The checked floors beside it, "
                + "`FloorChecked.java` and `FloorCheckedOffHeap.java`, add a generation per slot (on the heap, or "
                + "in the segment) that every accessor checks.\n\n```java\n")
                .append(floorSource.strip()).append("\n```\n");
        return md.toString();
    }

    /**
     * The mixed-size allocator benchmarks: medians with their ratios to {@code malloc}, {@code calloc} and
     * {@code nettyPooled} of the same run, and the allocator's targets.
     */
    private static void allocatorTable(StringBuilder md, Map<String, Map<String, Result>> results) {
        if (ALLOCATOR_BENCHES.stream().noneMatch(b -> results.containsKey(b.key))) {
            return;
        }
        md.append("## Allocator: medians and ratios against `malloc`, `calloc` and Netty\n\n");
        md.append("`AllocatorBenchmark`, one thread, block sizes log-uniform 16..4096 from a fixed pre-generated "
                + "sequence. `slabforge` is `SlabAllocator.create()` (confined, zero-fills like `Arena.allocate` "
                + "and `calloc`), `slabforgeNoZeroFill` the same with `zeroFill(false)`, `slabforgeLocked` "
                + "`slabforge` built `LOCKED` (one thread); `malloc` and `nettyPooled` do not zero, `calloc` does. "
                + "Median over every measurement iteration of every fork; in brackets the ratios to `malloc`, "
                + "`calloc` and `nettyPooled`.\n\n");
        md.append("| peer |");
        for (Bench b : ALLOCATOR_BENCHES) {
            md.append(' ').append(b.label.substring(0, 3)).append(' ').append(b.unit).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(ALLOCATOR_BENCHES.size())).append('\n');
        for (String peer : BlockStore.PEERS) {
            md.append("| `").append(peer).append("` |");
            for (Bench b : ALLOCATOR_BENCHES) {
                Map<String, Result> bench = results.getOrDefault(b.key, Map.of());
                Result r = bench.get(peer);
                md.append(' ').append(r == null ? "–" : fmt(r.median) + " (" + ratio(r, bench.get("malloc")) + ", "
                        + ratio(r, bench.get("calloc")) + ", " + ratio(r, bench.get("nettyPooled")) + ")")
                        .append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        md.append("| allocator target | measured | |\n|---|---|---|\n");
        for (String[] row : allocatorTargets(results)) {
            md.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
        }
        md.append('\n');
        for (Bench b : ALLOCATOR_BENCHES) {
            Map<String, Result> bench = results.get(b.key);
            if (bench == null) {
                continue;
            }
            Result malloc = bench.get("malloc");
            Result calloc = bench.get("calloc");
            md.append("### ").append(b.label).append(" (").append(b.unit).append(")\n\n");
            md.append("| peer | median | × malloc | × calloc | min | max | samples |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|\n");
            for (Result r : bench.values()) {
                md.append("| `").append(r.peer).append("` | ").append(fmt(r.median)).append(" | ")
                        .append(ratio(r, malloc)).append(" | ").append(ratio(r, calloc)).append(" | ")
                        .append(fmt(r.min)).append(" | ").append(fmt(r.max)).append(" | ").append(r.samples)
                        .append(" |\n");
            }
            md.append('\n');
        }
    }

    /**
     * The allocator's targets, each with what this run measured and whether it is met: {@code zeroFill(false)} at
     * most {@code malloc}, zero-filling at most {@code calloc}, both faster than Netty pooled, and {@code LOCKED}
     * on one thread at most 1.3 × {@code CONFINED}; for pairs (e) and the window (f).
     */
    static List<String[]> allocatorTargets(Map<String, Map<String, Result>> results) {
        List<String[]> rows = new ArrayList<>();
        for (Bench b : ALLOCATOR_BENCHES) {
            Map<String, Result> bench = results.get(b.key);
            if (bench == null) {
                continue;
            }
            String which = b.label.substring(0, 3);
            target(rows, which + " `slabforgeNoZeroFill` ≤ 1.0× `malloc`", bench.get("slabforgeNoZeroFill"),
                    bench.get("malloc"), 1.0);
            target(rows, which + " `slabforge` ≤ 1.0× `calloc`", bench.get("slabforge"), bench.get("calloc"), 1.0);
            target(rows, which + " `slabforgeNoZeroFill` faster than `nettyPooled`",
                    bench.get("slabforgeNoZeroFill"), bench.get("nettyPooled"), 1.0);
            target(rows, which + " `slabforge` faster than `nettyPooled`", bench.get("slabforge"),
                    bench.get("nettyPooled"), 1.0);
            target(rows, which + " `slabforgeLocked` ≤ 1.3× `slabforge`", bench.get("slabforgeLocked"),
                    bench.get("slabforge"), 1.3);
        }
        return rows;
    }

    private static void target(List<String[]> rows, String what, Result r, Result base, double limit) {
        if (r == null || base == null) {
            rows.add(new String[] {what, "not measured", "–"});
            return;
        }
        double x = r.median / base.median;
        rows.add(new String[] {what, fmt(r.median) + " / " + fmt(base.median) + " = "
                + String.format(Locale.ROOT, "%.2f×", x), x <= limit ? "met" : "**missed**"});
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value == null ? "?" : value.replace("|", "/"))
                .append(" |\n");
    }

    /** Each target of issue 4: what it asks, what this run measured, met or missed. */
    static List<String[]> targets(Map<String, Map<String, Result>> results, List<String[]> footprint) {
        List<String[]> rows = new ArrayList<>();
        Map<String, Result> a = results.getOrDefault(BENCHES.get(0).key, Map.of());
        Map<String, Result> b = results.getOrDefault(BENCHES.get(1).key, Map.of());
        Map<String, Result> c = results.getOrDefault(BENCHES.get(2).key, Map.of());
        Map<String, Result> d = results.getOrDefault(BENCHES.get(3).key, Map.of());
        atMost(rows, "(a) `slabforgeNone` (checked) ≤ 1.5× floor", a, "slabforgeNone", 1.5);
        faster(rows, "(a) `slabforgeNone` faster than `onheap`", a, "slabforgeNone", "onheap", 1);
        atMost(rows, "(a) `slabforgeNoneUnchecked` ≤ 1.2× floor", a, "slabforgeNoneUnchecked", 1.2);
        for (String peer : List.of("slabforgeConfined", "slabforgeNone")) {
            atMost(rows, "(b) `" + peer + "` ≤ 1.3× floor", b, peer, 1.3);
            faster(rows, "(b) `" + peer + "` ≥ 1.5× faster than `onheap`", b, peer, "onheap", 1.5);
            atMost(rows, "(c) `" + peer + "` ≤ 1.2× floor", c, peer, 1.2);
            faster(rows, "(c) `" + peer + "` faster than `onheap`", c, peer, "onheap", 1);
        }
        faster(rows, "(d) `slabforgeLocked` faster than `nettyPooled`", d, "slabforgeLocked", "nettyPooled", 1);
        for (Bench bench : BENCHES.subList(0, 3)) {
            Map<String, Result> m = results.getOrDefault(bench.key, Map.of());
            Result none = m.get("slabforgeNone");
            Result confined = m.get("slabforgeConfined");
            if (none != null && confined != null) {
                double r = confined.median / none.median;
                rows.add(new String[] {bench.label.substring(0, 3) + " `slabforgeConfined` within 10% of "
                        + "`slabforgeNone`", String.format(Locale.ROOT, "%.2f×", r), verdict(r <= 1.10)});
            }
        }
        for (String[] f : footprint) {
            if (f[0].equals("slabforgeConfined")) {
                double total = Double.parseDouble(f[4]);
                rows.add(new String[] {"footprint ≤ 36.5 B per live particle (default 4 KiB slabs, checked)",
                        f[4] + " B (reserved " + f[6] + " B" + (f.length > 11 ? "; process RSS growth + heap "
                                + String.format(Locale.ROOT, "%.2f", Double.parseDouble(f[2])
                                + Double.parseDouble(f[11])) + " B" : "") + ")", verdict(total <= 36.5)});
                rows.add(new String[] {"zero GC time caused by slab contents (churn)",
                        f[8] + " GCs, " + f[9] + " ms", verdict(f[8].equals("0") && f[9].equals("0"))});
            }
            if (f[0].equals("slabforge64k")) {
                rows.add(new String[] {"footprint with 64 KiB slabs (for comparison)",
                        f[4] + " B (reserved " + f[6] + " B)", verdict(Double.parseDouble(f[4]) <= 36.5)});
            }
        }
        return rows;
    }

    private static void atMost(List<String[]> rows, String what, Map<String, Result> bench, String peer,
                               double limit) {
        Result r = bench.get(peer);
        Result floor = bench.get("floor");
        if (r == null || floor == null) {
            rows.add(new String[] {what, "not measured", "–"});
            return;
        }
        double ratio = r.median / floor.median;
        rows.add(new String[] {what, String.format(Locale.ROOT, "%.2f×", ratio), verdict(ratio <= limit)});
    }

    private static void faster(List<String[]> rows, String what, Map<String, Result> bench, String peer,
                               String than, double factor) {
        Result r = bench.get(peer);
        Result other = bench.get(than);
        if (r == null || other == null) {
            rows.add(new String[] {what, "not measured", "–"});
            return;
        }
        double speedup = other.median / r.median;
        rows.add(new String[] {what, String.format(Locale.ROOT, "%s vs %s ns: %.2f× as fast", fmt(r.median),
                fmt(other.median), speedup), verdict(factor == 1 ? speedup > 1 : speedup >= factor)});
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }

    private static String fmt(double ns) {
        return ns >= 100 ? String.format(Locale.ROOT, "%,.0f", ns) : String.format(Locale.ROOT, "%.2f", ns);
    }

    /** {@code r} over {@code base}, or "–" if the base was not measured. */
    private static String ratio(Result r, Result base) {
        return base == null ? "–" : String.format(Locale.ROOT, "%.2f×", r.median / base.median);
    }

    private static final Color SLABFORGE = new Color(0x1f77b4);
    private static final Color FLOOR = new Color(0x2ca02c);
    private static final Color PEER = new Color(0x999999);

    /** One bar chart per benchmark (ratio to the floor, log scale), plus footprint and churn GC pauses. */
    static void writeChart(Map<String, Map<String, Result>> results, List<String[]> footprint, Path png)
            throws IOException {
        List<CategoryChart> charts = new ArrayList<>();
        for (Bench b : BENCHES) {
            Map<String, Result> bench = results.get(b.key);
            if (bench == null) {
                continue;
            }
            addIfPresent(charts, ratioChart(b, bench, "× floor (log scale)"));
        }
        if (!footprint.isEmpty()) {
            List<String[]> rows = footprint.subList(1, footprint.size());
            List<String> peers = rows.stream().map(f -> f[0]).toList();
            Map<String, String[]> byPeer = new LinkedHashMap<>();
            rows.forEach(f -> byPeer.put(f[0], f));
            CategoryChart bytes = chart("bytes per live particle (" + footprint.get(1)[1] + " live)", "bytes");
            bytes.getStyler().setDecimalPattern("#,##0.0");
            bytes.getStyler().setYAxisMin(0.0);
            addGroups(bytes, peers, peer -> Double.parseDouble(byPeer.get(peer)[4]));
            charts.add(bytes);
            CategoryChart gc = chart("GC pause during churn", "ms");
            gc.getStyler().setDecimalPattern("#,##0");
            gc.getStyler().setYAxisMin(0.0);
            addGroups(gc, peers, peer -> Double.parseDouble(byPeer.get(peer)[9]));
            charts.add(gc);
        }
        for (Bench b : ALLOCATOR_BENCHES) {
            Map<String, Result> bench = results.get(b.key);
            if (bench != null) {
                addIfPresent(charts, ratioChart(b, bench, "× malloc (log scale)"));
            }
        }
        if (charts.isEmpty()) {
            return;
        }
        // XChart fills exactly rows x columns panels: pick the column count that divides the panel count.
        int n = charts.size();
        int columns = n % 3 == 0 ? 3 : n % 4 == 0 ? 4 : n % 2 == 0 ? 2 : 1;
        BitmapEncoder.saveBitmap(charts, n / columns, columns, png.toString().replaceFirst("\\.png$", ""),
                BitmapEncoder.BitmapFormat.PNG);
    }

    /** Short titles that fit a panel at README width. */
    private static final Map<String, String> HEADLINE_TITLES = Map.of(
            "AllocFreeBenchmark.allocWriteReadFree", "(a) allocate, write, read, free",
            "ChurnBenchmark.churn", "(b) churn among 1,000,000 live",
            "ScanBenchmark.scan", "(c) scan 1,000,000 live");

    /** The peers of the headline figures, in order, with the names a reader knows them by. */
    private static final Map<String, String> HEADLINE_PEERS = headlinePeers();

    private static Map<String, String> headlinePeers() {
        Map<String, String> peers = new LinkedHashMap<>();
        peers.put("onheap", "new Particle(...) (heap)");
        peers.put("slabforgeConfined", "Slabforge (default)");
        peers.put("slabforgeLocked", "Slabforge LOCKED");
        peers.put("mallocFree", "malloc/free (FFM)");
        peers.put("nettyPooled", "Netty pooled");
        peers.put("slabforge64k", "Slabforge, 64 KiB slabs");
        return peers;
    }

    /**
     * The README figures: (a), (b) and (c) for the peers a user would pick instead, on linear axes from zero, Slabforge
     * in blue and the alternatives in grey, each bar a median with JMH's 99.9% confidence half-width as its whisker;
     * and bytes per object and
     * GC pause time from the footprint program. Lower is better in every panel, which says so.
     */
    static void writeHeadline(Map<String, Map<String, Result>> results, List<String[]> footprint, Path headline,
                              Path memory) throws IOException {
        List<CategoryChart> panels = new ArrayList<>();
        for (Bench b : BENCHES.subList(0, 3)) {
            Map<String, Result> bench = results.get(b.key);
            if (bench == null) {
                continue;
            }
            List<Map.Entry<String, Result>> shown = new ArrayList<>();
            for (Map.Entry<String, String> peer : HEADLINE_PEERS.entrySet()) {
                Result r = bench.get(peer.getKey());
                if (r != null) {
                    shown.add(Map.entry(peer.getValue(), r));
                }
            }
            if (shown.isEmpty()) {
                continue;
            }
            List<String> names = shown.stream().map(Map.Entry::getKey).toList();
            CategoryChart chart = readable(HEADLINE_TITLES.get(b.key), b.unit + ", lower is better");
            chart.getStyler().setOverlapped(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            // Slabforge in its colour, the alternatives in grey: one series each, blank where the other one is.
            for (boolean ours : new boolean[] {true, false}) {
                List<Double> medians = new ArrayList<>();
                List<Double> errors = new ArrayList<>();
                for (Map.Entry<String, Result> e : shown) {
                    boolean slabforge = e.getValue().peer.startsWith("slabforge");
                    medians.add(slabforge == ours ? e.getValue().median : Double.NaN);
                    errors.add(slabforge == ours && !Double.isNaN(e.getValue().error) ? e.getValue().error : 0.0);
                }
                if (medians.stream().anyMatch(m -> !m.isNaN())) {
                    chart.addSeries(ours ? "Slabforge (median; whisker: JMH 99.9% CI half-width)" : "the alternatives",
                            names, medians, errors).setFillColor(ours ? SLABFORGE : PEER);
                }
            }
            panels.add(chart);
        }
        if (!panels.isEmpty()) {
            BitmapEncoder.saveBitmap(panels, 1, panels.size(), headline.toString().replaceFirst("\\.png$", ""),
                    BitmapEncoder.BitmapFormat.PNG);
        }
        if (footprint.size() > 1) {
            List<String> names = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            List<Double> pauses = new ArrayList<>();
            for (Map.Entry<String, String> peer : HEADLINE_PEERS.entrySet()) {
                for (String[] row : footprint.subList(1, footprint.size())) {
                    if (row[0].equals(peer.getKey())) {
                        names.add(peer.getValue());
                        bytes.add(Double.parseDouble(row[4]));
                        pauses.add(Double.parseDouble(row[9]));
                    }
                }
            }
            String live = footprint.get(1)[1];
            CategoryChart perObject = readable("memory per live particle (" + String.format("%,d", Long.parseLong(live))
                    + " live)", "bytes (heap + resident native), lower is better");
            CategoryChart gc = readable("GC pauses during churn", "ms, lower is better");
            List<Boolean> ours = new ArrayList<>();
            for (String name : names) {
                ours.add(name.startsWith("Slabforge"));
            }
            addOursAndTheirs(perObject, names, bytes, ours);
            addOursAndTheirs(gc, names, pauses, ours);
            BitmapEncoder.saveBitmap(List.of(perObject, gc), 1, 2, memory.toString().replaceFirst("\\.png$", ""),
                    BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Slabforge's bars in its colour and the alternatives' in grey, as two overlapped series. */
    private static void addOursAndTheirs(CategoryChart chart, List<String> names, List<Double> values,
                                         List<Boolean> ours) {
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        for (boolean slabforge : new boolean[] {true, false}) {
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                ys.add(ours.get(i) == slabforge ? values.get(i) : null);
            }
            if (ys.stream().anyMatch(y -> y != null)) {
                chart.addSeries(slabforge ? "Slabforge" : "the alternatives", names, ys)
                        .setFillColor(slabforge ? SLABFORGE : PEER);
            }
        }
    }

    /** A panel legible at README width: large fonts, values on the bars, a legend, a linear axis from zero. */
    private static CategoryChart readable(String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(620).height(520).title(title).yAxisTitle(yTitle)
                .build();
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendVisible(true);
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 18));
        chart.getStyler().setAxisTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 15));
        chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 14));
        styler.setLegendFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.BLACK);
        chart.getStyler().setDecimalPattern("#,##0.#");
        chart.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        return chart;
    }

    private static void addIfPresent(List<CategoryChart> charts, CategoryChart chart) {
        if (chart != null) {
            charts.add(chart);
        }
    }

    /**
     * Each peer's median over the baseline's (the floor, or malloc for the allocator benchmarks), log scale;
     * {@code null} if this run did not measure the baseline.
     */
    private static CategoryChart ratioChart(Bench b, Map<String, Result> bench, String yTitle) {
        Result floor = baseline(b, bench);
        if (floor == null) {
            return null;
        }
        CategoryChart chart = chart(b.label, yTitle);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setDecimalPattern("#,##0.###");
        double lowest = bench.values().stream().mapToDouble(r -> r.median / floor.median).min().orElse(1);
        // A log axis needs an explicit bottom when some series have gaps (null) at some categories.
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lowest * 0.9))));
        addGroups(chart, new ArrayList<>(bench.keySet()), peer -> bench.get(peer).median / floor.median);
        return chart;
    }

    private static CategoryChart chart(String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(560).height(420).title(title).yAxisTitle(yTitle)
                .build();
        Styler styler = chart.getStyler();
        styler.setLegendVisible(false); // colours are explained in RESULTS.md: green floor, blue Slabforge, grey peers
        styler.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsRotation(90);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.BLACK);
        return chart;
    }

    /** Adds the floor, Slabforge and the other peers as three overlapped series, so each gets its colour. */
    private static void addGroups(CategoryChart chart, List<String> peers,
                                  java.util.function.ToDoubleFunction<String> value) {
        String[] groups = {"floor", "slabforge", "peers"};
        for (String group : groups) {
            List<Double> ys = new ArrayList<>();
            for (String peer : peers) {
                String g = peer.startsWith("floor") ? "floor" : peer.startsWith("slabforge") ? "slabforge" : "peers";
                ys.add(g.equals(group) ? value.applyAsDouble(peer) : null);
            }
            if (ys.stream().anyMatch(y -> y != null)) {
                chart.addSeries(group, peers, ys).setFillColor(
                        group.equals("floor") ? FLOOR : group.equals("slabforge") ? SLABFORGE : PEER);
            }
        }
    }
}
