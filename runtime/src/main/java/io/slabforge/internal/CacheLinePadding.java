package io.slabforge.internal;

/**
 * Leading padding for an object whose fields threads write often (a {@link SlabEngine}, which is each stripe of a
 * LOCKED cache): 68 bytes between the object header and the subclass's first field, so that no field lands on
 * the cache line that holds the end of the object before it in the heap.
 *
 * <p>Two stripes used by two threads must share no cache line, or every allocation on one invalidates the
 * other's copy of its fields (false sharing; benchmarks/ANALYSIS.md, "Fifth round", has the measurements). The heap
 * places objects side by side, in allocation order and after a GC in copying order, so the padding is in the
 * object itself, as Agrona and JCTools do it: subclass fields are laid out after superclass fields. The trailing padding is the subclass's own ({@link SlabEngine} ends with it);
 * {@code CacheLinePaddingTest} checks both sides with JOL.
 */
abstract class CacheLinePadding {
    // 4 bytes fill the gap after a compressed-class-pointer header (else the JVM puts a subclass int there), 64 more
    // make a whole cache line.
    int leadingPad0;
    long leadingPad1;
    long leadingPad2;
    long leadingPad3;
    long leadingPad4;
    long leadingPad5;
    long leadingPad6;
    long leadingPad7;
    long leadingPad8;
}
