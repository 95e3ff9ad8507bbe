package io.slabforge;

import java.util.Objects;
import java.util.concurrent.locks.Lock;

/**
 * The options every slab cache is built with; generated caches' {@code Builder}s and
 * {@link SlabEngine.Builder} extend it.
 *
 * <pre>{@code
 * ParticleSlab slab = ParticleSlab.builder()
 *         .memory(SlabMemory.ofArena())
 *         .sync(SlabSync.LOCKED)
 *         .maxBytes(64 * ParticleSlab.SLAB_SIZE)
 *         .reserveSlabs(2)
 *         .build();
 * }</pre>
 *
 * <p>Neither the builder nor {@code build()} calls the memory provider: the first slab is taken on the first
 * allocation.
 *
 * @param <B> the concrete builder type, returned by every setter
 */
public abstract class SlabBuilder<B extends SlabBuilder<B>> {
    SlabMemory memory = SlabMemory.ofArena();
    SlabSync sync = SlabSync.CONFINED;
    Lock lock;
    long maxBytes = Long.MAX_VALUE;
    int reserveSlabs = 1;
    boolean checked = true;

    /** For subclasses. */
    protected SlabBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Where slabs come from; default {@link SlabMemory#ofArena()}.
     *
     * @param memory the provider
     * @return this builder
     */
    public final B memory(SlabMemory memory) {
        this.memory = Objects.requireNonNull(memory, "memory");
        return self();
    }

    /**
     * How the cache guards itself against concurrent use; default {@link SlabSync#CONFINED} (the building thread
     * owns the cache).
     *
     * @param sync the mode
     * @return this builder
     */
    public final B sync(SlabSync sync) {
        this.sync = Objects.requireNonNull(sync, "sync");
        return self();
    }

    /**
     * Makes the cache {@link SlabSync#LOCKED} with this lock instead of a fresh {@code ReentrantLock}, for
     * example to guard several caches with one lock. A non-reentrant lock must not be held by the thread that
     * calls the cache.
     *
     * @param lock the lock guarding the slab hierarchy
     * @return this builder
     */
    public final B lock(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.sync = SlabSync.LOCKED;
        return self();
    }

    /**
     * The most bytes the cache holds from its provider at once (slabs given back count back): with
     * {@code maxBytes(n * SLAB_SIZE)} exactly {@code n * SLOTS_PER_SLAB} objects can be live. Default: no limit.
     *
     * @param maxBytes the byte cap; not negative
     * @return this builder
     */
    public final B maxBytes(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is negative");
        }
        this.maxBytes = maxBytes;
        return self();
    }

    /**
     * How many empty slabs the cache keeps instead of giving them back to the provider; default 1.
     *
     * @param reserveSlabs empty slabs to keep; not negative
     * @return this builder
     */
    public final B reserveSlabs(int reserveSlabs) {
        if (reserveSlabs < 0) {
            throw new IllegalArgumentException("reserveSlabs " + reserveSlabs + " is negative");
        }
        this.reserveSlabs = reserveSlabs;
        return self();
    }

    /**
     * Whether field accesses validate the handle's cache tag and generation (default {@code true}). An unchecked
     * cache still validates handles in {@code free}, {@code isLive} and {@code segment}, and never lets a bad
     * handle reach memory outside its slabs; it only stops catching stale handles on field access.
     *
     * @param checked {@code false} to skip generation checks on field access
     * @return this builder
     */
    public final B checked(boolean checked) {
        this.checked = checked;
        return self();
    }

    /**
     * The engine these options describe, for a cache of the given geometry.
     *
     * @param geometry the slab geometry
     * @return a new engine owned by the calling thread if the cache is {@link SlabSync#CONFINED}
     */
    protected final SlabEngine newEngine(SlabGeometry geometry) {
        if (lock != null && sync != SlabSync.LOCKED) {
            throw new IllegalArgumentException("a lock was given, so sync must be LOCKED, not " + sync);
        }
        return new SlabEngine(geometry, this);
    }
}
