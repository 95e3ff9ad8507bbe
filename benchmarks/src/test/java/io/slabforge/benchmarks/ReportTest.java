package io.slabforge.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's two ratios, to {@code floor} and to {@code floorChecked}, and partial result files. */
class ReportTest {

    /** One JMH JSON result with two measurement samples of {@code score}. */
    private static String run(String benchmark, String peer, double score, String unit, boolean live) {
        return """
                {"benchmark": "io.slabforge.benchmarks.%s", "params": {"peer": "%s"%s},
                 "primaryMetric": {"scoreUnit": "%s", "rawData": [[%s, %s]]}}"""
                .formatted(benchmark, peer, live ? ", \"live\": \"1000\"" : "", unit, score, score);
    }

    @Test
    void ratiosToBothFloorsAndDashesWhereABaselineIsMissing(@TempDir Path dir) throws Exception {
        String a = "AllocFreeBenchmark.allocWriteReadFree";
        String b = "ChurnBenchmark.churn";
        String c = "ScanBenchmark.scan";
        String d = "SharedAllocFreeBenchmark.allocWriteReadFree";
        String json = String.join(",\n",
                run(a, "floor", 10, "ns/op", false),
                run(a, "floorChecked", 20, "ns/op", false),
                run(a, "floorCheckedOffHeap", 40, "ns/op", false),
                run(a, "slabforgeNone", 30, "ns/op", false),
                run(a, "slabforgeNoneSetters", 25, "ns/op", false),
                // (b) without floorChecked, (c) without either floor: a partial run
                run(b, "floor", 100, "ns/op", false),
                run(b, "slabforgeNone", 300, "ns/op", false),
                run(c, "slabforgeNone", 6, "us/op", true),
                run(d, "floorLocked", 50, "ns/op", false),
                run(d, "slabforgeLocked", 100, "ns/op", false));
        Files.writeString(dir.resolve("jmh.json"), "[" + json + "]");
        Files.writeString(dir.resolve("env.properties"), "date=today\n");
        Path floorSource = Files.writeString(dir.resolve("Floor.java"), "class Floor {}");
        Path md = dir.resolve("RESULTS.md");
        Path png = dir.resolve("performance.png");

        Report.main(new String[] {dir.toString(), md.toString(), png.toString(), floorSource.toString()});

        String report = Files.readString(md);
        // Summary: (a), (b), (c) against floor then floorChecked; (d) against floorLocked only.
        assertContains(report, "| `floor` | 10.00 (1.00×, 0.50×) | 100 (1.00×, –) | – | – |");
        assertContains(report, "| `floorChecked` | 20.00 (2.00×, 1.00×) | – | – | – |");
        assertContains(report, "| `floorCheckedOffHeap` | 40.00 (4.00×, 2.00×) |");
        assertContains(report, "| `slabforgeNone` | 30.00 (3.00×, 1.50×) | 300 (3.00×, –) | 6.00 (–, –) | – |");
        assertContains(report, "| `slabforgeNoneSetters` | 25.00 (2.50×, 1.25×) | – | – | – |");
        assertContains(report, "| `slabforgeLocked` | – | – | – | 100 (2.00×) |");
        assertContains(report, "| `slabforgeConfined` | – | – | – | – |");
        // Per-benchmark tables: a column per baseline.
        assertContains(report, "| peer | median | × floor | × floorChecked | min | max | samples | heap B/op |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n| `floor` | 10.00 | 1.00× | 0.50× | 10.00 | 10.00 | 2 | – |");
        assertContains(report, "| `slabforgeNone` | 300 | 3.00× | – | 300 | 300 | 2 | – |");
        assertContains(report, "| `slabforgeNone` | 6.00 | – | – | 6.00 | 6.00 | 2 | – |");
        assertContains(report, "| peer | median | × floorLocked | min | max | samples | heap B/op |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n| `floorLocked` | 50.00 | 1.00× | 50.00 |");
        // Targets need the floor by name, not the first peer of a benchmark.
        assertContains(report, "| (c) `slabforgeNone` ≤ 1.2× floor | not measured | – |");
        assertContains(report, "| (a) `slabforgeNone` (checked) ≤ 1.5× floor | 3.00× | **missed** |");
        assertTrue(Files.size(png) > 0, "the chart is written without the scan's panel");
    }

    @Test
    void allocatorRatiosToMallocCallocAndNettyAndItsTargets(@TempDir Path dir) throws Exception {
        String e = "AllocatorBenchmark.allocWriteFree";
        String f = "AllocatorBenchmark.window";
        String json = String.join(",\n",
                run(e, "malloc", 20, "ns/op", false),
                run(e, "calloc", 40, "ns/op", false),
                run(e, "slabforge", 30, "ns/op", false),
                run(e, "slabforgeNoZeroFill", 20, "ns/op", false),
                run(e, "slabforgeLocked", 45, "ns/op", false),
                run(e, "nettyPooled", 80, "ns/op", false),
                run(f, "malloc", 50, "ns/op", false),
                run(f, "slabforgeNoZeroFill", 60, "ns/op", false));
        Files.writeString(dir.resolve("jmh.json"), "[" + json + "]");
        Files.writeString(dir.resolve("env.properties"), "date=today\n");
        Path floorSource = Files.writeString(dir.resolve("Floor.java"), "class Floor {}");
        Path md = dir.resolve("RESULTS.md");
        Report.main(new String[] {dir.toString(), md.toString(), dir.resolve("p.png").toString(),
                floorSource.toString()});

        String report = Files.readString(md);
        assertContains(report, "| `slabforge` | 30.00 (1.50×, 0.75×, 0.38×) | – |");
        assertContains(report, "| `slabforgeNoZeroFill` | 20.00 (1.00×, 0.50×, 0.25×) | 60.00 (1.20×, –, –) |");
        assertContains(report, "| (e) `slabforgeNoZeroFill` ≤ 1.0× `malloc` | 20.00 / 20.00 = 1.00× | met |");
        assertContains(report, "| (e) `slabforge` ≤ 1.0× `calloc` | 30.00 / 40.00 = 0.75× | met |");
        assertContains(report, "| (e) `slabforgeLocked` ≤ 1.3× `slabforge` | 45.00 / 30.00 = 1.50× | **missed** |");
        assertContains(report, "| (f) `slabforgeNoZeroFill` ≤ 1.0× `malloc` | 60.00 / 50.00 = 1.20× | **missed** |");
        assertContains(report, "| (f) `slabforge` ≤ 1.0× `calloc` | not measured | – |");
        assertContains(report, "| `calloc` | 40.00 | 2.00× | 1.00× | 40.00 | 40.00 | 2 |");
    }

    private static void assertContains(String report, String expected) {
        assertTrue(report.contains(expected), () -> "missing\n" + expected + "\nin\n" + report);
    }
}
