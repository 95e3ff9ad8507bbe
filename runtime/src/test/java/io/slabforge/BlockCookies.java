package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;

/** Content cookies: a block's first and last bytes carry a pattern derived from its id, checked before it is freed. */
final class BlockCookies {
    private static final int EDGE = 24;

    private BlockCookies() {}

    static byte at(long id, long index) {
        long x = id * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
        return (byte) (x ^ (x >>> 29));
    }

    static void write(MemorySegment block, long id) {
        long size = block.byteSize();
        for (long i = 0; i < Math.min(EDGE, size); i++) {
            block.set(JAVA_BYTE, i, at(id, i));
        }
        for (long i = Math.max(EDGE, size - EDGE); i < size; i++) {
            block.set(JAVA_BYTE, i, at(id, i));
        }
    }

    static void check(MemorySegment block, long id) {
        long size = block.byteSize();
        for (long i = 0; i < size; i = i + 1 == EDGE && size > 2 * EDGE ? size - EDGE : i + 1) {
            if (block.get(JAVA_BYTE, i) != at(id, i)) {
                fail("block " + id + " of " + size + " bytes at 0x" + Long.toHexString(block.address())
                        + " was overwritten at byte " + i);
            }
        }
    }
}
