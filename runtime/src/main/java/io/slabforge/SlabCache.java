package io.slabforge;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.function.LongConsumer;

/**
 * What every generated cache is, whatever its record: code that works on any cache (a pool of caches, a metrics
 * binder, a benchmark harness, a column attached with {@code FillSlab.columnOf(cache)}) is written once against
 * this interface. The typed accessors ({@code x(handle)}, {@code get(handle)}) stay on the generated class.
 *
 * <pre>{@code
 * static long drain(SlabCache cache) {
 *     long[] freed = {0};
 *     cache.forEach(h -> { cache.free(h); freed[0]++; });
 *     return freed[0];
 * }
 * try (ParticleSlab particles = ParticleSlab.create()) {
 *     particles.allocate();
 *     SlabCache any = particles;
 *     drain(any);                       // 1
 * }
 * }</pre>
 *
 * <p>Each method behaves exactly as the generated cache's method of the same name documents (thread rules,
 * validation, exceptions).
 */
public interface SlabCache extends AutoCloseable {

    /**
     * Allocates a zeroed slot.
     *
     * @return a live handle, never 0
     * @throws SlabOutOfMemoryException when no slot can be had
     */
    long allocate();

    /**
     * Allocates a zeroed slot, or returns 0 when out of memory.
     *
     * @return a live handle, or 0
     */
    long tryAllocate();

    /**
     * Frees a slot; the handle and every copy of it are stale from now on.
     *
     * @param handle a live handle of this cache
     * @throws InvalidHandleException if it is not one
     */
    void free(long handle);

    /**
     * Whether {@code handle} is a live handle of this cache; never throws for any long.
     *
     * @param handle any long
     * @return {@code true} if it names an allocated slot
     */
    boolean isLive(long handle);

    /**
     * Live slots right now.
     *
     * @return the number of allocated slots
     */
    long liveCount();

    /**
     * A consistent snapshot of occupancy and activity.
     *
     * @return the statistics
     */
    SlabStats stats();

    /**
     * Calls {@code action} with every live handle; the action may free the handle it is given.
     *
     * @param action what to do with each live handle
     */
    void forEach(LongConsumer action);

    /**
     * The slot of a live handle, laid out as {@link #layout()}; always validated.
     *
     * @param handle a live handle of this cache
     * @return the slot's memory
     */
    MemorySegment segment(long handle);

    /**
     * The C layout of one slot (the generated class's {@code LAYOUT}).
     *
     * @return the layout
     */
    MemoryLayout layout();

    /** Gives every slab back; every handle becomes invalid. A second call does nothing. */
    @Override
    void close();
}
