package io.slabforge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The C library's {@code memset} as a critical downcall (no thread-state transition), for {@link SlabAllocator}'s
 * zero-filling: it stores vector registers, where the JDK's {@code fill} stores a word at a time and its copy stub
 * loads as much as it stores. On the allocator benchmark's 16..4096-byte blocks it zeroes in about 9 ns what a copy
 * from a zeroed buffer does in 21 (benchmarks/ANALYSIS.md). Linking it is a restricted operation, so this holder is
 * touched only when the runtime has native access (else the JDK would warn in every program using the allocator),
 * and {@link #available()} is false when the C library has no {@code memset} this can link.
 *
 * <p>A critical downcall holds off safepoints while it runs, so it is used for blocks of at most
 * {@link #MAX_BYTES} (a few microseconds); larger ones are zeroed by the JDK's {@code fill}.
 */
final class NativeFill {
    /** The largest block zeroed by one call. */
    static final long MAX_BYTES = 256 << 10;

    private static final MethodHandle MEMSET = link();

    private NativeFill() {}

    static boolean available() {
        return MEMSET != null;
    }

    /** Zeroes {@code block}, a native segment of at most {@link #MAX_BYTES} bytes (the linker keeps it alive). */
    static void zero(MemorySegment block) {
        try {
            MemorySegment unused = (MemorySegment) MEMSET.invokeExact(block, 0, block.byteSize());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("memset threw " + e, e);
        }
    }

    @SuppressWarnings("restricted") // only with native access: see the class comment
    private static MethodHandle link() {
        try {
            if (ADDRESS.byteSize() != JAVA_LONG.byteSize()) {
                return null; // size_t is not a long here
            }
            Linker linker = Linker.nativeLinker();
            FunctionDescriptor memsetType = FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG);
            return linker.defaultLookup().find("memset")
                    .map(memset -> linker.downcallHandle(memset, memsetType, Linker.Option.critical(false)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
