package io.slabforge;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.function.LongConsumer;

/**
 * What every generated cache ({@code ParticleSlab} for {@code record Particle}) is, whatever its record: code that
 * handles caches of any type (monitoring, a registry of caches, tests) takes a {@code SlabCache}.
 *
 * <pre>{@code
 * SlabCache cache = ParticleSlab.builder().name("particles").build();
 * long h = cache.allocate();
 * MemorySegment slot = cache.segment(h);        // cache.layout().byteSize() bytes
 * new SlabCacheMetrics(cache).bindTo(registry); // slabforge-micrometer
 * cache.close();
 * }</pre>
 *
 * <p>Thread rules are the cache's sync mode's ({@link SlabSync}); {@link #stats()}, {@link #liveCount()} and
 * {@link #name()} may be called from any thread (monitoring), see {@link #stats()}.
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
     * Allocates a zeroed slot, or returns 0 when no slot can be had (no exception is made).
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
     * Whether {@code handle} names a currently allocated slot of this cache; never throws for any long.
     *
     * @param handle any long
     * @return whether it is live
     */
    boolean isLive(long handle);

    /**
     * Live objects right now (from another thread than a {@code CONFINED} cache's owner: see {@link #stats()}).
     *
     * @return the number of allocated slots
     */
    long liveCount();

    /**
     * A snapshot of occupancy and activity. Exact on a {@code LOCKED} cache (taken under its locks) and on the owner
     * thread of a {@code CONFINED} one. From any other thread (a JMX or metrics thread), a {@code CONFINED} or
     * {@code NONE} cache answers with a racy snapshot instead of {@link WrongThreadException}: every figure is one
     * the cache had recently, the figures may be from slightly different moments, and nothing is changed or faulted.
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
     * The slot of a live handle, exactly {@code layout().byteSize()} bytes; always validated.
     *
     * @param handle a live handle
     * @return the slot's memory
     */
    MemorySegment segment(long handle);

    /**
     * The C layout of one slot (the generated class's {@code LAYOUT}).
     *
     * @return the layout
     */
    MemoryLayout layout();

    /**
     * The name given with {@code builder().name(...)}, as in logs, JFR events, JMX and {@code toString()}; or
     * {@code null} for a cache built without one. On this interface so that monitoring ({@code SlabCacheMetrics})
     * can tag what it reports without knowing the cache's type.
     *
     * @return the name, or null
     */
    String name();

    /** Gives every slab back; every handle becomes invalid; a second call does nothing. */
    @Override
    void close();
}
