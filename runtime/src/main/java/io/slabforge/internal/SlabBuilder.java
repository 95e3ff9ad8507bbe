package io.slabforge.internal;

import io.slabforge.LeakDetection;
import io.slabforge.SlabMemory;
import io.slabforge.SlabSync;
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
 *         .name("particles")                       // in logs, JFR events, JMX and toString()
 *         .leakDetection(LeakDetection.PARANOID)   // OFF, SAMPLED (the default), PARANOID
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
    /** Whether {@link #sync} was called: {@link #lock} then does not change the mode, and build() checks it. */
    private boolean syncGiven;
    Lock lock;
    /** 0: the default for the sync mode (see {@link #stripes}). */
    int stripes;
    long maxBytes = Long.MAX_VALUE;
    int reserveSlabs = 1;
    boolean checked = true;
    /** The user's name, or null. */
    String name;
    LeakDetection leakDetection = Leaks.DEFAULT;
    /** What the engine calls the cache in messages: the generated class, else "SlabEngine". */
    String cacheType = "SlabEngine";
    /** The record's canonical name, or null. */
    String recordType;

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
        this.syncGiven = true;
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
        if (!syncGiven) {
            this.sync = SlabSync.LOCKED;
        }
        return self();
    }

    /**
     * How many independently locked stripes a {@link SlabSync#LOCKED} cache has. Each stripe holds its own slabs
     * under its own lock; a thread allocates from its stripe (threads are spread over the stripes in the order
     * they first allocate) and a free takes the lock of the stripe that owns the slab, so threads that free what
     * they allocated never wait for each other. Allocation falls back to the other stripes before reporting out
     * of memory; {@code maxBytes} caps the whole cache and {@code reserveSlabs} applies per stripe; statistics,
     * iteration and close take every stripe's lock. A stripe's lock and bookkeeping are padded to cache lines of
     * their own, so two threads on two stripes do not slow each other down through shared cache lines.
     *
     * <p>Default: the number of processors rounded up to a power of two (at most 64, fewer for slab geometries
     * with a small handle space); 1 with {@link #lock(Lock) a lock of your own}, which then guards the whole
     * cache.
     *
     * <pre>{@code
     * ParticleSlab shared = ParticleSlab.builder().sync(SlabSync.LOCKED).stripes(1).build(); // one lock
     * }</pre>
     *
     * @param stripes a power of two, 1 to 1024; above 1 only for a LOCKED cache without a lock of its own
     * @return this builder
     */
    public final B stripes(int stripes) {
        if (stripes < 1 || stripes > 1024 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes " + stripes + " is not a power of two from 1 to 1024");
        }
        this.stripes = stripes;
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
     * How many empty slabs the cache keeps instead of giving them back to the provider; default 1. A
     * {@linkplain #stripes striped} LOCKED cache keeps this many per stripe.
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
     * Names the cache: the name appears in log lines, JFR events ({@code io.slabforge.*}), {@code toString()} and
     * error messages, and a named cache is registered with JMX as
     * {@code io.slabforge:type=SlabCache,name=<name>} while it is open ({@link io.slabforge.SlabCacheMXBean}; a
     * second open cache of the same name gets {@code ,id=2}). Default: no name, no JMX registration.
     *
     * <pre>{@code
     * ParticleSlab slab = ParticleSlab.builder().name("particles").build();
     * }</pre>
     *
     * @param name a non-empty name
     * @return this builder
     */
    public final B name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name \"" + name + "\" is blank; give the cache a name you will"
                    + " recognise in logs and JMX, or leave name(...) out");
        }
        this.name = name;
        return self();
    }

    /**
     * How closely the cache watches for boxes that are never closed ({@link LeakDetection}); default
     * {@link LeakDetection#SAMPLED}, or what {@code -Dio.slabforge.leakDetection=OFF|SAMPLED|PARANOID} says.
     *
     * @param leakDetection the level
     * @return this builder
     */
    public final B leakDetection(LeakDetection leakDetection) {
        this.leakDetection = Objects.requireNonNull(leakDetection, "leakDetection");
        return self();
    }

    /**
     * The engine for a generated cache: as {@link #newEngine(SlabGeometry)}, with the names its messages, logs,
     * events and JMX use for the cache.
     *
     * @param geometry the slab geometry
     * @param cacheType the generated class's simple name, for example {@code "ParticleSlab"}
     * @param recordType the record's canonical name, for example {@code "com.example.Particle"}
     * @return a new engine
     */
    protected final SlabEngine newEngine(SlabGeometry geometry, String cacheType, String recordType) {
        this.cacheType = Objects.requireNonNull(cacheType, "cacheType");
        this.recordType = recordType;
        return newEngine(geometry);
    }

    /**
     * The engine these options describe, for a cache of the given geometry.
     *
     * @param geometry the slab geometry
     * @return a new engine owned by the calling thread if the cache is {@link SlabSync#CONFINED}
     */
    protected final SlabEngine newEngine(SlabGeometry geometry) {
        if (lock != null && sync != SlabSync.LOCKED) {
            throw new IllegalArgumentException("lock(...) was given with sync(" + sync + "): a lock guards a LOCKED"
                    + " cache only; use sync(SlabSync.LOCKED) or drop lock(...)");
        }
        if (maxBytes < geometry.slabSize()) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is below one slab of " + geometry.slabSize()
                    + " bytes, so the cache could hold nothing; use at least " + geometry.slabSize()
                    + " (maxBytes(n * SLAB_SIZE) holds n slabs)");
        }
        if (stripes > 1 && sync != SlabSync.LOCKED) {
            throw new IllegalArgumentException("stripes(" + stripes + ") is for LOCKED caches; this one is " + sync);
        }
        if (stripes > 1 && lock != null) {
            throw new IllegalArgumentException("stripes(" + stripes + ") with a lock of your own: that lock guards "
                    + "the whole cache, so there is one stripe; drop lock(...) or stripes(...)");
        }
        return new SlabEngine(geometry, this);
    }
}
