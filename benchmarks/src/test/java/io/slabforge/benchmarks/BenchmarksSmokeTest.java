package io.slabforge.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The CI smoke pass: every benchmark runs once for every peer, in this JVM, for 100 ms, on a small live set. It
 * proves the benchmarks run and the peers work; it judges no timing. The real run is {@code benchmarks/run.sh}.
 */
class BenchmarksSmokeTest {

    @Test
    void everyBenchmarkRunsOnceForEveryPeer() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("io\\.slabforge\\.benchmarks\\..*Benchmark\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("live", "10000")
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, TreeSet<String>> peersRun = new TreeMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            // the peer, or what else a benchmark varies (a leak-detection level, a sync mode); "-" for neither
            String peer = result.getParams().getParam("peer");
            if (peer == null) {
                peer = result.getParams().getParam("level");
            }
            if (peer == null) {
                peer = result.getParams().getParam("sync");
            }
            if (peer == null) {
                peer = "-";
            }
            double score = result.getPrimaryResult().getScore();
            assertTrue(Double.isFinite(score) && score > 0, benchmark + " " + peer + " scored " + score);
            peersRun.computeIfAbsent(benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1)
                    + 1), b -> new TreeSet<>()).add(peer);
        }
        Map<String, TreeSet<String>> expected = new TreeMap<>();
        expected.put("AllocatorBenchmark.allocWriteFree", new TreeSet<>(BlockStore.PEERS));
        expected.put("AllocatorBenchmark.window", new TreeSet<>(BlockStore.PEERS));
        expected.put("AllocFreeBenchmark.allocWriteReadFree", new TreeSet<>(Peers.SINGLE));
        expected.put("ChurnBenchmark.churn", new TreeSet<>(Peers.SINGLE));
        expected.put("ScanBenchmark.scan", new TreeSet<>(Peers.SCAN));
        expected.put("SharedAllocFreeBenchmark.allocWriteReadFree", new TreeSet<>(Peers.SHARED));
        expected.put("ProducerConsumerBenchmark.handOff", new TreeSet<>(Peers.HANDOFF));
        expected.put("BoxBenchmark.boxCreateUseClose", new TreeSet<>(List.of("OFF", "SAMPLED", "PARANOID")));
        expected.put("ScanApiBenchmark.scan", new TreeSet<>(List.of("floor", "slabforgeConfined", "slabforgeNone",
                "slabforgeNoneUnchecked", "slabforgeLocked")));
        expected.put("ColumnBenchmark.primaryField", new TreeSet<>(List.of("CONFINED", "NONE")));
        expected.put("ColumnBenchmark.columnField", new TreeSet<>(List.of("CONFINED", "NONE")));
        expected.put("SpscByteQueueBenchmark.slabforge", new TreeSet<>(List.of("-")));
        expected.put("SpscByteQueueBenchmark.agrona", new TreeSet<>(List.of("-")));
        assertEquals(expected, peersRun);
        assertEquals(expected.values().stream().mapToInt(TreeSet::size).sum(), results.size());
        // The report finds its baselines by name; tables and chart list them first.
        assertEquals(List.of("floor", "floorChecked", "floorCheckedOffHeap"), Peers.SINGLE.subList(0, 3));
        assertEquals(Peers.SINGLE.subList(0, 3), Peers.SCAN.subList(0, 3));
        assertEquals("floorLocked", Peers.SHARED.getFirst(), "the floor of the shared benchmark first");
        assertEquals("malloc", BlockStore.PEERS.getFirst(), "the allocator report's baseline first");
    }
}
