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
     * Any thread may use the cache; a thread may free what another allocated. The cache is split into
     * {@linkplain io.slabforge.internal.SlabBuilder#stripes stripes} (by default as many as processors), each with
     * its own slabs and lock: a thread allocates from its own stripe and a free locks the stripe that owns the slab,
     * so threads that free what they allocate do not contend. Statistics, iteration and close lock every stripe.
     * With {@link io.slabforge.internal.SlabBuilder#lock(java.util.concurrent.locks.Lock) a lock of your own} there is one stripe, under
     * that lock. Field accesses take no lock: see {@code io.slabforge.internal.SlabEngine} for what a reader racing a {@code free} may
     * see.
     */
    LOCKED,
    /** No checks at all, for the fastest single-threaded use. Concurrent use is undefined (but never crashes the JVM). */
    NONE
}
