package io.slabforge.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code mallocFree}: the C library's {@code malloc(32)} and {@code free} through FFM downcalls (plain, not
 * {@code critical}), fields read and written through one segment spanning the address space (the jextract
 * pattern), addresses in a {@code long[]}. Needs {@code --enable-native-access=ALL-UNNAMED}.
 */
@SuppressWarnings("restricted") // calling malloc/free is the point of this peer
final class MallocFreeStore implements ParticleStore {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final long SIZE = 32;

    private final long[] addresses;

    MallocFreeStore(int capacity) {
        addresses = new long[capacity];
    }

    private static long malloc(long size) {
        long address;
        try {
            address = (long) MALLOC.invokeExact(size);
        } catch (Throwable e) {
            throw new IllegalStateException("malloc failed", e);
        }
        if (address == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") returned NULL");
        }
        return address;
    }

    private static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable e) {
            throw new IllegalStateException("free failed", e);
        }
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        long a = malloc(SIZE);
        ALL.set(JAVA_DOUBLE, a, x);
        ALL.set(JAVA_DOUBLE, a + 8, y);
        ALL.set(JAVA_DOUBLE, a + 16, z);
        ALL.set(JAVA_INT, a + 24, id);
        ALL.set(JAVA_INT, a + 28, flags);
        addresses[slot] = a;
    }

    @Override
    public double x(int slot) {
        return ALL.get(JAVA_DOUBLE, addresses[slot]);
    }

    @Override
    public void free(int slot) {
        free(addresses[slot]);
        addresses[slot] = 0;
    }

    @Override
    public double sumX(int count) {
        long[] all = addresses;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += ALL.get(JAVA_DOUBLE, all[i]);
        }
        return sum;
    }

    @Override
    public void close() {
        for (int i = 0; i < addresses.length; i++) {
            if (addresses[i] != 0) {
                free(addresses[i]);
                addresses[i] = 0;
            }
        }
    }
}
