package io.slabforge.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToLongFunction;

/**
 * The footprint and GC program (not JMH): for each peer, in a fresh JVM with a fixed, pre-touched heap, keeps
 * {@value #LIVE} particles alive and reports the bytes each costs (Java heap + resident native memory), then runs
 * {@value #CHURN} churn operations (free a pseudo-random particle, allocate and fill a replacement) and reports the
 * GC pauses they caused, and the length of one full GC with everything alive.
 *
 * <p>Resident native memory, for the Slabforge peers, is what {@code /proc/self/smaps} reports resident in the
 * memory mappings that hold the particles (every mapping holding at least one live particle counts in full, so
 * untouched and foreign pages in it would count too, never fewer). For the other peers, whose memory is not told
 * apart from the JVM's, it is the growth of the process's {@code VmRSS} (Linux): the heap is pre-touched
 * ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}), so RSS grows only by native memory: Netty's chunks, G1's
 * remembered sets, and the JVM's own. The VmRSS growth is reported for every peer: for Slabforge it exceeds the
 * mappings' resident bytes by about 2 MB, which Native Memory Tracking shows is the JIT compiler's arena memory
 * ({@code Arena Chunk}) grown while the fill loop was compiled, not memory of the particles. The benchmark's own
 * table of handles or references is allocated before the baseline and reported separately.
 *
 * <pre>
 * java -cp benchmarks.jar io.slabforge.benchmarks.Footprint [all|PEER] [--live N] [--churn N] [--out FILE]
 * </pre>
 * {@code all} (the default) measures each of {@link Peers#FOOTPRINT} in a child JVM and can write the table to
 * a file; a peer name measures that peer in this JVM.
 */
public final class Footprint {
    static final int LIVE = 10_000_000;
    static final long CHURN = 20_000_000L;
    static final String HEADER = "peer\tlive\theapBytesPerObject\tresidentNativeBytesPerObject\ttotalBytesPerObject"
            + "\ttableBytesPerObject\treservedBytesPerObject\tchurnNsPerOp\tchurnGcCount\tchurnGcPauseMs"
            + "\tfullGcWithAllLiveMs\tprocessRssGrowthBytesPerObject";
    /** JVM options of each measuring JVM; the heap is fixed and touched up front so RSS shows native growth. */
    static final List<String> CHILD_JVM_OPTIONS = List.of("-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch",
            "--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
            "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled");

    private Footprint() {}

    /**
     * Runs the program.
     *
     * @param args {@code all} or a peer name, then optionally {@code --live N}, {@code --churn N}, {@code --out FILE}
     * @throws Exception if a child JVM fails
     */
    public static void main(String[] args) throws Exception {
        String what = "all";
        int live = LIVE;
        long churn = CHURN;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--live" -> live = Integer.parseInt(args[++i]);
                case "--churn" -> churn = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> what = args[i];
            }
        }
        if (!what.equals("all")) {
            System.out.println(measure(what, live, churn));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (String peer : Peers.FOOTPRINT) {
            lines.add(runChild(peer, live, churn));
            System.out.println(lines.getLast());
        }
        if (out != null) {
            Files.write(out, lines);
            System.out.println("wrote " + out);
        }
    }

    private static String runChild(String peer, int live, long churn) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(CHILD_JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Footprint.class.getName(), peer,
                "--live", Integer.toString(live), "--churn", Long.toString(churn)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        int exit = process.waitFor();
        if (exit != 0 || output.isEmpty()) {
            throw new IllegalStateException("measuring " + peer + " failed (exit " + exit + "): " + output);
        }
        return output.lines().reduce((a, b) -> b).orElseThrow();
    }

    static String measure(String peer, int live, long churn) throws InterruptedException, IOException {
        try (ParticleStore store = Peers.create(peer, live, false)) {
            // Load and compile (up to C2) the peer's paths and the fill loop itself before the baseline, and give
            // the compiler threads time to finish: their code and the compiler's own native memory are the JVM's,
            // not the particles'. On a store of its own, closed before the baseline, so that no memory it touched
            // is reused by the measured particles without being counted.
            int warm = Math.min(live, 100_000);
            try (ParticleStore warmUp = Peers.create(peer, warm, false)) {
                for (int round = 0; round < 10; round++) {
                    fill(warmUp, warm);
                    for (int i = 0; i < warm; i++) {
                        warmUp.free(i);
                    }
                }
            }
            settle();
            Thread.sleep(1_000);
            long heap0 = heapUsed();
            long rss0 = residentBytes();

            fill(store, live);
            settle();
            long heap = heapUsed() - heap0;
            long rssGrowth = residentBytes() - rss0;
            long reserved = store instanceof SlabCacheStore s ? s.reservedBytes() : -1;
            long rss = store instanceof SlabCacheStore s ? residentInMappingsHolding(s::address, live) : rssGrowth;

            long gcCount0 = gcCount();
            long gcMillis0 = gcMillis();
            long random = 0x9E37_79B9_7F4A_7C15L;
            long start = System.nanoTime();
            for (long op = 0; op < churn; op++) {
                random ^= random << 13;
                random ^= random >>> 7;
                random ^= random << 17;
                int slot = (int) (((random >>> 32) * live) >>> 32);
                store.free(slot);
                int id = (int) op;
                store.allocate(slot, id, id + 1, id + 2, id, 7);
            }
            long churnNanos = System.nanoTime() - start;
            long churnGcs = gcCount() - gcCount0;
            long churnGcMillis = gcMillis() - gcMillis0;

            long fullGc0 = gcMillis();
            System.gc();
            long fullGcMillis = gcMillis() - fullGc0;

            double check = store.sumX(live);
            if (!(check > 0)) {
                throw new IllegalStateException(peer + " lost its particles: sum of x is " + check);
            }
            return String.format(Locale.ROOT, "%s\t%d\t%.2f\t%.2f\t%.2f\t%d\t%s\t%.1f\t%d\t%d\t%d\t%.2f", peer,
                    live, (double) heap / live, (double) rss / live, (double) (heap + rss) / live, tableBytes(peer),
                    reserved < 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) reserved / live),
                    (double) churnNanos / churn, churnGcs, churnGcMillis, fullGcMillis, (double) rssGrowth / live);
        }
    }

    /** Bytes per particle of the benchmark's own table: a {@code long} handle, or a (compressed) reference. */
    private static int tableBytes(String peer) {
        return peer.startsWith("slabforge") || peer.equals("floor") || peer.equals("mallocFree") ? Long.BYTES
                : compressedOops() ? Integer.BYTES : Long.BYTES;
    }

    private static boolean compressedOops() {
        var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        return Boolean.parseBoolean(bean.getVMOption("UseCompressedOops").getValue());
    }

    /** Allocates particles into table slots {@code 0 .. count - 1}. */
    private static void fill(ParticleStore store, int count) {
        for (int i = 0; i < count; i++) {
            store.allocate(i, i, i + 1, i + 2, i, 7);
        }
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process, from /proc (Linux). */
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status: resident memory is measured on Linux only");
    }

    /**
     * Resident bytes ({@code Rss} in {@code /proc/self/smaps}) of every memory mapping holding at least one of the
     * {@code count} particles at {@code address.applyAsLong(0 .. count - 1)}.
     */
    static long residentInMappingsHolding(IntToLongFunction address, int count) throws IOException {
        List<long[]> mappings = new ArrayList<>(); // start, end, resident bytes
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            boolean mappingLine = dash > 0 && space > dash // "start-end perms offset device inode path"
                    && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0);
            if (mappingLine) {
                mappings.add(new long[] {Long.parseUnsignedLong(line.substring(0, dash), 16),
                        Long.parseUnsignedLong(line.substring(dash + 1, space), 16), 0});
            } else if (line.startsWith("Rss:") && !mappings.isEmpty()) {
                mappings.getLast()[2] = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        mappings.sort(Comparator.comparingLong(m -> m[0]));
        long[] starts = mappings.stream().mapToLong(m -> m[0]).toArray();
        boolean[] holding = new boolean[starts.length];
        for (int i = 0; i < count; i++) {
            long at = address.applyAsLong(i);
            int found = Arrays.binarySearch(starts, at);
            int mapping = found >= 0 ? found : -found - 2;
            if (mapping < 0 || at >= mappings.get(mapping)[1]) {
                throw new IllegalStateException("particle " + i + " at 0x" + Long.toHexString(at) + " is in no "
                        + "mapping");
            }
            holding[mapping] = true;
        }
        long resident = 0;
        for (int m = 0; m < holding.length; m++) {
            resident += holding[m] ? mappings.get(m)[2] : 0;
        }
        return resident;
    }

    /** GC pauses: with G1 every collector bean counts pauses (young/mixed, full, and Remark/Cleanup). */
    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static long gcCount() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionCount());
        }
        return total;
    }
}
