/**
 * A development probe (not run by Maven): loop shapes of a scan, written out by hand over 1,000,000 32-byte slots
 * in one native segment, with the action's accumulator in a register ({@code *Reg}) or, as a user's
 * {@code scan(r -> sum[0] += r.x())} has it, in a heap array ({@code *Mem}); {@code walk3} stores three fields of a
 * positioned Ref per slot, {@code walk1} one; {@code walkSlabs*} walk 128-slot slabs of 127 carved slots, as
 * {@code SlabScan} does. Every 128th word is not live (the slot a slab does not carve). See benchmarks/ANALYSIS.md,
 * "scan: what the walk's loop costs". Try it with {@code -XX:LoopUnrollLimit=0} or {@code -XX:-UseSuperWord}.
 *
 * <pre>
 * javac -d /tmp/p9 benchmarks/probes/Probe9.java
 * java -Xms2g -Xmx2g -cp /tmp/p9 Probe9
 * </pre>
 */
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

public class Probe9 {
    static final int N = 1_000_000;
    static final double[] ACC = {0};
    static final long[] OFFSETS = new long[N];
    static final int[] WORDS = new int[N];
    static final long[] BASES = new long[N / 128];
    static final int[] CARVED = new int[N / 128];
    static MemorySegment seg;

    static final class Positioned { int index; int word; long at; }
    static final Positioned REF = new Positioned();

    static double floorReg() {
        double s = 0;
        for (int i = 0; i < N; i++) s += seg.get(JAVA_DOUBLE_UNALIGNED, OFFSETS[i]);
        return s;
    }

    static double walkReg() {
        double s = 0;
        for (int i = 0; i < N; i++) if (WORDS[i] < 0) s += seg.get(JAVA_DOUBLE_UNALIGNED, i * 32L);
        return s;
    }

    static double walkMem() {
        double[] a = ACC; a[0] = 0;
        for (int i = 0; i < N; i++) if (WORDS[i] < 0) a[0] += seg.get(JAVA_DOUBLE_UNALIGNED, i * 32L);
        return a[0];
    }

    static double walk3() {
        double[] a = ACC; a[0] = 0; Positioned r = REF;
        for (int i = 0; i < N; i++) {
            int w = WORDS[i];
            if (w < 0) { r.index = i; r.word = w; r.at = i * 32L; a[0] += seg.get(JAVA_DOUBLE_UNALIGNED, r.at); }
        }
        return a[0];
    }

    static double walk1() {
        double[] a = ACC; a[0] = 0; Positioned r = REF;
        for (int i = 0; i < N; i++) {
            if (WORDS[i] < 0) { r.index = i; a[0] += seg.get(JAVA_DOUBLE_UNALIGNED, r.index * 32L); }
        }
        return a[0];
    }

    static double walkSlabsReg() {
        double s = 0;
        for (int slab = 0; slab < BASES.length; slab++) {
            int first = slab << 7; int end = first + CARVED[slab]; long at = BASES[slab];
            for (int i = first; i < end; i++, at += 32) if (WORDS[i] < 0) s += seg.get(JAVA_DOUBLE_UNALIGNED, at);
        }
        return s;
    }

    static double walkSlabs() {
        double[] a = ACC; a[0] = 0; Positioned r = REF;
        for (int slab = 0; slab < BASES.length; slab++) {
            int first = slab << 7; int end = first + CARVED[slab]; long at = BASES[slab];
            for (int i = first; i < end; i++, at += 32) {
                int w = WORDS[i];
                if (w < 0) { r.index = i; r.word = w; r.at = at; a[0] += seg.get(JAVA_DOUBLE_UNALIGNED, r.at); }
            }
        }
        return a[0];
    }

    public static void main(String[] args) {
        seg = Arena.global().allocate(32L * N, 64);
        for (int i = 0; i < N; i++) {
            OFFSETS[i] = i * 32L;
            WORDS[i] = (i & 127) == 127 ? 0 : 0x8000_0001;
            seg.set(JAVA_DOUBLE_UNALIGNED, i * 32L, i);
        }
        for (int s = 0; s < BASES.length; s++) { BASES[s] = s * 4096L; CARVED[s] = 127; }
        String[] names = {"floorReg", "walkReg", "walkMem", "walk3", "walk1", "walkSlabsReg", "walkSlabs"};
        long[][] times = new long[names.length][60];
        double blackhole = 0;
        for (int round = 0; round < 160; round++) {
            for (int k = 0; k < names.length; k++) {
                long t0 = System.nanoTime();
                blackhole += switch (k) {
                    case 0 -> floorReg(); case 1 -> walkReg(); case 2 -> walkMem(); case 3 -> walk3();
                    case 4 -> walk1(); case 5 -> walkSlabsReg(); default -> walkSlabs();
                };
                if (round >= 100) times[k][round - 100] = System.nanoTime() - t0;
            }
        }
        for (int k = 0; k < names.length; k++) {
            Arrays.sort(times[k]);
            System.out.printf("%-13s %6.0f us (median of 60)%n", names[k], times[k][30] / 1e3);
        }
        System.out.println(blackhole);
    }
}
