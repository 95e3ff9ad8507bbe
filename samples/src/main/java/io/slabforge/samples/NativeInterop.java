package io.slabforge.samples;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * Native interop: a slot's layout is C's, so particles can be handed to C as they are. This sample copies live
 * particles into a native array laid out with {@link ParticleSlab#LAYOUT} and sorts it by {@code x} with the C
 * library's {@code qsort}, whose comparator is a Java upcall reading fields through the same layout.
 *
 * <p>Downcalls and upcalls are restricted FFM methods: run it with {@code --enable-native-access=ALL-UNNAMED}
 * (the samples module's {@code verify} does). The Slabforge runtime itself needs no such flag.
 */
@SuppressWarnings("restricted") // downcalls and upcalls are the point of this sample; run with native access enabled
public final class NativeInterop {
    private static final VarHandle X = ParticleSlab.LAYOUT.varHandle(groupElement("x"));

    private NativeInterop() {}

    /**
     * Runs the sample.
     *
     * @param args ignored
     * @throws Throwable if the native call fails
     */
    public static void main(String[] args) throws Throwable {
        int count = 10;
        try (ParticleSlab slab = ParticleSlab.create(); Arena arena = Arena.ofConfined()) {
            long[] handles = new long[count];
            for (int i = 0; i < count; i++) {
                handles[i] = slab.allocate(new Particle((i * 7) % count - 4.5, i, 0, i, 0));
            }
            // One C array of structs, filled slot by slot: a plain memcpy per particle.
            MemorySegment array = arena.allocate(ParticleSlab.LAYOUT, count);
            for (int i = 0; i < count; i++) {
                MemorySegment.copy(slab.segment(handles[i]), 0, array, i * ParticleSlab.SLOT_SIZE,
                        ParticleSlab.SLOT_SIZE);
            }

            Linker linker = Linker.nativeLinker();
            MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS));
            MethodHandle compare = MethodHandles.lookup().findStatic(NativeInterop.class, "compareByX",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment comparator = linker.upcallStub(compare, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS.withTargetLayout(ParticleSlab.LAYOUT),
                    ValueLayout.ADDRESS.withTargetLayout(ParticleSlab.LAYOUT)), arena);
            qsort.invokeExact(array, (long) count, ParticleSlab.SLOT_SIZE, comparator);

            StringBuilder sorted = new StringBuilder();
            for (int i = 0; i < count; i++) {
                MemorySegment element = array.asSlice(i * ParticleSlab.SLOT_SIZE, ParticleSlab.LAYOUT);
                sorted.append((double) X.get(element, 0L)).append(' ');
                if (i > 0 && (double) X.get(array.asSlice((i - 1) * ParticleSlab.SLOT_SIZE, ParticleSlab.LAYOUT), 0L)
                        > (double) X.get(element, 0L)) {
                    throw new IllegalStateException("qsort did not sort: " + sorted);
                }
            }
            System.out.println("x sorted by C qsort: " + sorted.toString().trim());
        }
    }

    static int compareByX(MemorySegment a, MemorySegment b) {
        return Double.compare((double) X.get(a, 0L), (double) X.get(b, 0L));
    }
}
