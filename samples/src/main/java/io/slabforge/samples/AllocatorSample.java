package io.slabforge.samples;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.slabforge.AllocatorStats;
import io.slabforge.InvalidHandleException;
import io.slabforge.SlabAllocator;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A mixed-size {@link SlabAllocator} feeding C: strings of 1 to 6000 characters are allocated with the standard
 * {@code SegmentAllocator.allocateFrom(String)}, measured by the C library's {@code strlen} through a downcall, and
 * freed in random order; the allocator's statistics are printed half way, and a double free is caught.
 *
 * <p>The downcall is a restricted FFM method: run it with {@code --enable-native-access=ALL-UNNAMED}. The
 * allocator itself needs no such flag.
 */
public final class AllocatorSample {

    private AllocatorSample() {}

    /**
     * Runs the sample.
     *
     * @param args optional: how many strings
     * @throws Throwable if the native call fails
     */
    @SuppressWarnings("restricted") // the strlen downcall; run with --enable-native-access=ALL-UNNAMED
    public static void main(String[] args) throws Throwable {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Linker linker = Linker.nativeLinker();
        MethodHandle strlen = linker.downcallHandle(linker.defaultLookup().find("strlen").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS));

        SplittableRandom random = new SplittableRandom(7);
        try (SlabAllocator allocator = SlabAllocator.create()) {
            List<MemorySegment> strings = new ArrayList<>();
            long characters = 0;
            for (int i = 0; i < count; i++) {
                // Mostly short strings, some of several KiB: these go past the 4096-byte class to large blocks.
                int length = random.nextInt(10) == 0 ? 1 + random.nextInt(6000) : 1 + random.nextInt(200);
                MemorySegment text = allocator.allocateFrom("x".repeat(length));
                long measured = (long) strlen.invokeExact(text);
                if (measured != length) {
                    throw new IllegalStateException("strlen says " + measured + ", expected " + length);
                }
                characters += measured;
                strings.add(text);
            }
            printStats(allocator.stats());

            MemorySegment first = strings.removeFirst();
            allocator.free(first);
            try {
                allocator.free(first);
                throw new IllegalStateException("a double free went unnoticed");
            } catch (InvalidHandleException expected) {
                System.out.println("double free caught: " + expected.getMessage());
            }
            while (!strings.isEmpty()) {
                int i = random.nextInt(strings.size());
                MemorySegment text = strings.get(i);
                strings.set(i, strings.getLast());
                strings.removeLast();
                allocator.free(text);
            }
            AllocatorStats after = allocator.stats();
            if (after.usedBytes() != 0 || after.liveBlocks() != 0) {
                throw new IllegalStateException("blocks left after freeing all: " + after);
            }
            System.out.printf("%d strings, %d characters measured by strlen; all freed%n", count, characters);
        }
    }

    private static void printStats(AllocatorStats stats) {
        System.out.printf("used %,d of %,d bytes (%,d held from the provider), %,d live blocks%n",
                stats.usedBytes(), stats.totalBytes(), stats.heldBytes(), stats.liveBlocks());
        for (AllocatorStats.SizeClassStats c : stats.sizeClasses()) {
            System.out.printf("  %5d-byte class: %,7d live, %,11d used, %,11d available%n",
                    c.blockSize(), c.liveBlocks(), c.usedBytes(), c.availableBytes());
        }
        AllocatorStats.SizeClassStats large = stats.largeBlocks();
        System.out.printf("  large blocks:     %,7d live, %,11d used, %,11d available%n",
                large.liveBlocks(), large.usedBytes(), large.availableBytes());
    }
}
