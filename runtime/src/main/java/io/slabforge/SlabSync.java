package io.slabforge;

/**
 * How a cache guards itself against concurrent use.
 *
 * <pre>{@code
 * ParticleSlab shared = ParticleSlab.builder().sync(SlabSync.LOCKED).build();
 * }</pre>
 */
public enum SlabSync {
    /**
     * The default: only the thread that built the cache may use it; any other thread gets
     * {@link WrongThreadException}, as with {@code Arena.ofConfined()}.
     */
    CONFINED,
    /**
     * Any thread may use the cache. One lock per cache guards its slab hierarchy (allocate, free, close, stats,
     * iteration), as the master slab's lock does in the seed; a thread may free what another allocated. Field
     * accesses take no lock: see {@link SlabEngine} for what a reader racing a {@code free} may see.
     */
    LOCKED,
    /** No checks at all, for the fastest single-threaded use. Concurrent use is undefined (but never crashes the JVM). */
    NONE
}
