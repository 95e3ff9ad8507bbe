package io.slabforge;

import io.slabforge.internal.BoundedSlabMemory;
import io.slabforge.internal.RegionSlabMemory;
import java.lang.foreign.MemorySegment;

/**
 * The bridge between a slab cache and raw memory: where its slabs come from and go back to.
 *
 * <p>A cache asks its provider for whole slabs ({@code allocate(slabSize, slabSize)}) and gives them back with
 * {@link #free} when they are empty and not kept in reserve. Implement it to take slabs from your own memory
 * (huge pages, a pre-reserved buffer, shared memory); name the provider through {@code toString()}, because error
 * messages quote it.
 *
 * <p>A cache checks every segment a provider returns. {@code null} means "no memory left" and becomes a
 * {@link SlabOutOfMemoryException}. A segment of the wrong size or alignment, a heap, read-only or already closed
 * segment, or an exception thrown by the provider becomes a {@link SlabException} naming the provider and the
 * fault; the cache stays consistent and usable, and a segment it refused is handed back to {@link #free}.
 *
 * <pre>{@code
 * SlabMemory memory = SlabMemory.bounded(SlabMemory.ofArena(), 64 << 20);   // at most 64 MiB
 * try (ParticleSlab slab = ParticleSlab.builder().memory(memory).build()) { ... }
 * }</pre>
 *
 * <p>Implementations used by {@link SlabSync#LOCKED} caches, or shared by caches of several threads, must be
 * thread-safe.
 */
public interface SlabMemory {

    /**
     * Returns a native, writable, zero- or garbage-filled segment of exactly {@code byteSize} bytes whose address
     * is a multiple of {@code byteAlignment}, or {@code null} when no memory is left.
     *
     * @param byteSize bytes wanted (a power of two for slabs)
     * @param byteAlignment alignment wanted (equal to {@code byteSize} for slabs)
     * @return the segment, or {@code null} when exhausted
     */
    MemorySegment allocate(long byteSize, long byteAlignment);

    /**
     * Takes back a segment this provider returned from {@link #allocate}; the caller no longer uses it.
     *
     * @param segment a segment from {@link #allocate}, exactly as returned
     */
    void free(MemorySegment segment);

    /**
     * The default provider: native memory in regions of 2 MiB or more, each slab carved from a region aligned to
     * the slab size, and a region's memory given back to the operating system as soon as all its slabs are free.
     * One process-wide, thread-safe instance, so that caches share regions.
     *
     * <p>With native access for this module ({@code --enable-native-access=io.slabforge}, or {@code =ALL-UNNAMED}
     * on the class path) regions are anonymous {@code mmap} mappings on Linux and macOS, resident only as far as
     * their slabs are used; without it they come from {@code Arena.allocate}, which makes a whole region (up to
     * 64 MiB) resident at once, and no restricted method is called.
     *
     * @return the shared arena-backed provider
     */
    static SlabMemory ofArena() {
        return RegionSlabMemory.SHARED;
    }

    /**
     * A provider that takes its memory from {@code delegate} but never holds more than {@code capacityBytes}
     * bytes at once: past that, {@link #allocate} returns {@code null}. Thread-safe if the delegate is.
     *
     * @param delegate where the memory comes from
     * @param capacityBytes the most bytes held from the delegate at once; not negative
     * @return the capacity-limited provider
     */
    static SlabMemory bounded(SlabMemory delegate, long capacityBytes) {
        return new BoundedSlabMemory(delegate, capacityBytes);
    }
}
