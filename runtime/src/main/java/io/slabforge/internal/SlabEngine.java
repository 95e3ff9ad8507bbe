package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_CHAR_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.slabforge.InvalidHandleException;
import io.slabforge.LeakDetection;
import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The slab engine behind every generated cache: fixed-size slots in slabs from a {@link io.slabforge.SlabMemory},
 * named by checked {@code long} handles. <b>Not API</b>: generated code calls it, users call the generated class.
 *
 * <p>The engine never hands out memory beyond one slot: field accesses take the handle and a byte offset, validate
 * the handle as the cache was built to and bound the access to the slot ({@code offset} is a constant at every
 * generated call site, so the bound folds); {@link #segment(long)} is a slice of exactly one slot.
 *
 * <pre>{@code
 * try (SlabEngine slots = SlabEngine.builder(SlabGeometry.of(16, 8, 4096)).build()) {
 *     long h = slots.allocate();
 *     slots.setLong(h, 0, 42L);
 *     slots.free(h);
 * }
 * }</pre>
 *
 * <p>Parts (docs/ARCHITECTURE.md): {@link HandleFormat} owns the handle bits; {@link SlotTable} what every check
 * reads (generation words, slab bases, all on the heap); {@link SlabPool} the slabs of one pool and their free
 * lists; {@link SlabSource} the provider, the budget and the checks; this class the entry points and the
 * synchronisation: {@code CONFINED} checks the thread on every call, {@code LOCKED} takes the lock of one pool (a
 * stripe) for allocate and free and every pool's lock for close, stats and iteration, and none for field access;
 * {@code NONE} checks nothing.
 *
 * <p>This file is long (over 1,000 lines) only because every typed field access (eight types, get and set, plus
 * the atomic ones) is a short method of its own, so that each inlines on its own at generated call sites; the
 * logic lives in the classes above.
 */
public final class SlabEngine implements AutoCloseable {

    /** Version of the contract between generated code and this engine; generated code states the one it needs. */
    public static final int CONTRACT_VERSION = 6;
    /** How many caches can be open at the same time. */
    public static final int MAX_OPEN_CACHES = HandleFormat.MAX_TAG;
    /** How many times a slot is reused at most; then it is retired (see {@link HandleFormat}). */
    public static final long GENERATIONS = 1L << HandleFormat.GENERATION_BITS;

    private static final boolean NATIVE_ACCESS = SlabEngine.class.getModule().isNativeAccessEnabled();
    /** Unmaps a direct LOCKED cache's private regions once its table is unreachable. */
    private static final Cleaner RETAINED_REGIONS = Cleaner.create();
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();
    private static final VarHandle LONG_HANDLE = JAVA_LONG.varHandle();
    /** Most stripes a LOCKED cache gets by default. */
    static final int MAX_DEFAULT_STRIPES = 64;
    /** Slabs each stripe must be able to hold at least, for the default stripe count. */
    private static final int MIN_SLABS_PER_STRIPE = 64;

    /** A remote free collects its pool's ring, if the pool is free, each time this many handles went in. */
    private static final int COLLECT_EVERY = 64;

    private final SlotTable table;
    private final SlabSource source;
    /** The cache file of a file-backed cache or a reader of one, else null. */
    private final SlabFile file;
    /**
     * Whether an unlocked uninitialised allocation has more to do than take the slot: zero and publish it in the
     * file, or ask whether a custom provider closed the slab's memory ({@link #opened}).
     */
    private final boolean finishesUninitialized;
    /** The only pool of an unstriped cache; pool 0 of a striped one. */
    private final SlabPool pool;
    private final SlabPool[] pools;
    private final SlabSync sync;
    /** Whether allocate and free take a pool's lock. */
    private final boolean locked;
    /** LOCKED with stripe locks (no lock of the user's): the lease fast paths and remote frees. */
    private final boolean leased;
    /** {@code pools.length - 1}. */
    private final int stripeMask;
    private final SlabGeometry geometry;
    /** A slot is zeroed as this many longs, then one int if {@link #zeroTailInt} (slots are multiples of 4). */
    private final int zeroLongs;
    private final boolean zeroTailInt;
    /** What the cache holds, for the Cleaner and JMX, which must not reach this engine. */
    private final CacheResources resources;
    /** Reclaims the cache if this engine becomes unreachable without close(); run by close() too. */
    private final Cleaner.Cleanable reclaim;
    /** Leak detection for boxes; null when OFF, so box() costs one null test. */
    private final Leaks.Tracker leaks;
    private final boolean sampleBoxes;

    SlabEngine(SlabGeometry geometry, SlabBuilder<?> options) {
        SlabGeometry expected = SlabGeometry.of(geometry.slotSize(), geometry.slotAlignment(), geometry.slabSize());
        if (!expected.equals(geometry)) {
            throw new IllegalArgumentException("geometry " + geometry + " disagrees with this runtime's " + expected);
        }
        this.geometry = geometry;
        this.zeroLongs = (int) (geometry.slotSize() >>> 3);
        this.zeroTailInt = (geometry.slotSize() & 4) != 0;
        this.sync = options.sync;
        this.locked = sync == SlabSync.LOCKED;
        int stripeShift = stripeShiftOf(geometry, options);
        Thread owner = sync == SlabSync.CONFINED ? Thread.currentThread() : null;
        // A file-backed cache takes its slabs from its file (SlabFile), every word change written through to it.
        SlabFile f = options.file == null ? null
                : SlabFile.openWriter(options.file, options.fingerprint(geometry), options.maxBytes);
        this.file = f;
        boolean lockedDirect = f == null && locked && NATIVE_ACCESS && SlabSource.canRetainMappings(options.memory);
        this.source = f != null ? new SlabSource(f, geometry.slabSize(), options.maxBytes, stripeShift > 0)
                : new SlabSource(locked ? SlabSource.privateFor(options.memory, lockedDirect) : options.memory,
                        geometry.slabSize(), options.maxBytes, owner, stripeShift > 0);
        this.finishesUninitialized = f != null || source.memoryMayClose;
        // A LOCKED file-backed cache goes through its regions' segments: close() unmaps them under racing readers.
        boolean direct = f != null ? NATIVE_ACCESS && !locked
                : NATIVE_ACCESS && source.hasRegions() && (!locked || lockedDirect);
        this.table = new SlotTable(geometry, f != null ? f.tag : CacheTags.acquire(), options.checked, direct, owner,
                lockedDirect, f);
        CacheIdentity identity = new CacheIdentity(options.name, options.cacheType, options.recordType, table.tag);
        table.identity = identity;
        source.identity = identity;
        if (lockedDirect) {
            // Lock-free field accesses of a LOCKED cache reach its slabs at their addresses: its private regions
            // stay mapped until the table, which every such access holds until it is done, cannot be reached.
            RegionSlabMemory retained = source.regions();
            RETAINED_REGIONS.register(table, retained::closeRetained);
        }
        SlabPool[] all = new SlabPool[1 << stripeShift];
        for (int stripe = 0; stripe < all.length; stripe++) {
            Lock lock = !locked ? null
                    : options.lock != null ? options.lock
                    : new StripeLock();
            // A file's slabs stay in it: empty ones are kept and reused, never given back.
            all[stripe] = new SlabPool(table, source, lock, stripe, stripeShift,
                    f != null ? Integer.MAX_VALUE : options.reserveSlabs);
        }
        this.pools = all;
        this.pool = all[0];
        // A file-backed cache frees under the lock: a free must be in the file when it returns (a remote free would
        // reach the file only when collected).
        this.leased = locked && options.lock == null && f == null;
        this.stripeMask = all.length - 1;
        LeakDetection level = options.leakDetection;
        this.leaks = level == LeakDetection.OFF ? null
                : new Leaks.Tracker(identity, table, level == LeakDetection.PARANOID);
        this.sampleBoxes = level == LeakDetection.SAMPLED;
        this.columnOf = null;
        Throwable site = level == LeakDetection.PARANOID
                ? Leaks.createdHere(identity.describe() + " was built here") : null;
        this.resources = new CacheResources(identity, table, source, all, geometry, sync,
                level != LeakDetection.OFF, site, f);
        this.reclaim = Leaks.CLEANER.register(this, resources);
        if (options.name != null) {
            SlabCacheBean.register(resources);
        }
        if (f != null) {
            try {
                f.attach(table, all, source);
            } catch (RuntimeException e) {
                f.abandon();
                CacheTags.release(table.tag);
                throw e;
            }
        }
    }

    /**
     * A column's engine (see {@link SlabColumns}): field access through {@code columnTable}; it shares the primary's
     * pools only so that its whole-cache methods, never called by generated {@code Column} code, stay harmless.
     */
    private SlabEngine(SlabEngine primary, SlotTable columnTable, SlabSource columnSource) {
        this.geometry = columnTable.geometry;
        this.zeroLongs = (int) (geometry.slotSize() >>> 3);
        this.zeroTailInt = (geometry.slotSize() & 4) != 0;
        this.sync = primary.sync;
        this.locked = primary.locked;
        this.source = columnSource;
        this.table = columnTable;
        this.pools = primary.pools;
        this.pool = primary.pool;
        this.resources = primary.resources;
        this.reclaim = null; // never closed itself: it closes with the primary
        this.leaks = primary.leaks;
        this.sampleBoxes = false;
        this.columnOf = primary; // the primary stays reachable (not reclaimed as unclosed) while its column is
        this.file = null;
        this.finishesUninitialized = false; // a column never allocates
        this.leased = primary.leased;
        this.stripeMask = primary.stripeMask;
    }

    /** A column's primary engine, else null. */
    @SuppressWarnings("unused") // held for reachability only
    private final SlabEngine columnOf;

    /** Attaches a column of {@code slotSize}-byte slots under every lock; see {@link SlabColumns#attach}. */
    SlabEngine attachColumn(long slotSize, long slotAlignment, SlabGeometry recordGeometry) {
        if (file != null) {
            throw new UnsupportedOperationException(table.identity.describe() + " is kept in the file " + file
                    + ": columns of file-backed caches are not supported (their slabs would not be in the file);"
                    + " use a column over an in-memory cache");
        }
        SlabGeometry.of(slotSize, slotAlignment, Long.highestOneBit(Math.max(slotSize, 4) * 2 - 1)); // checks the slot
        long slabSize = SlabColumns.columnSlabSize(geometry.slotsPerSlab(), slotSize);
        if (slabSize > SlabGeometry.MAX_SLAB_SIZE) {
            throw new IllegalArgumentException("a column of " + slotSize + "-byte slots over a cache of "
                    + geometry.slotsPerSlab() + " slots per slab needs " + slabSize + "-byte slabs, above the maximum "
                    + SlabGeometry.MAX_SLAB_SIZE + "; give the primary record a smaller slabSize");
        }
        SlabGeometry columnGeometry = new SlabGeometry(slotSize, Math.max(slotAlignment, geometry.slotAlignment()),
                slabSize, geometry.slotsPerSlab(), geometry.slotBits());
        lockAll();
        try {
            checkOpen();
            if (source.lock != null) {
                source.lock.lock();
            }
            try {
                SlabSource columnSource = new SlabSource(source.memory, slabSize, Long.MAX_VALUE, table.owner, false);
                SlotTable columnTable = new SlotTable(columnGeometry, table.tag, table.checked,
                        table.direct && columnSource.hasRegions(), table.owner, table.keepBases);
                columnTable.follow(table);
                columnTable.columnRecord = recordGeometry;
                ColumnSlabs column = new ColumnSlabs(columnTable, columnSource);
                int slabs = table.slabCapacity();
                int taken = 0;
                try {
                    for (int slab = 0; slab < slabs; slab++) {
                        if (table.via(slab) != SlotTable.RELEASED) {
                            column.acquired(slab);
                            taken = slab + 1;
                        }
                    }
                } catch (RuntimeException | Error e) {
                    for (int slab = 0; slab < taken; slab++) {
                        column.released(slab);
                    }
                    throw e;
                }
                table.attach(column);
                return new SlabEngine(this, columnTable, columnSource);
            } finally {
                if (source.lock != null) {
                    source.lock.unlock();
                }
            }
        } finally {
            unlockAll();
        }
    }

    /** A reader of a cache file: any thread, no pool in use, every handle checked against the file's words. */
    private SlabEngine(SlabGeometry geometry, SlabFile reader, String record) {
        this.geometry = geometry;
        this.zeroLongs = (int) (geometry.slotSize() >>> 3);
        this.zeroTailInt = (geometry.slotSize() & 4) != 0;
        this.sync = SlabSync.LOCKED;
        this.locked = true;
        this.file = reader;
        this.finishesUninitialized = false; // a reader never allocates
        this.source = new SlabSource(reader, geometry.slabSize(), Long.MAX_VALUE, false);
        this.table = new SlotTable(geometry, reader.tag, false, false, null, false, reader);
        reader.attachReader(table);
        this.pool = new SlabPool(table, source, new StripeLock(), 0, 0, Integer.MAX_VALUE);
        this.pools = new SlabPool[] {pool};
        this.leased = false; // a reader never allocates or frees
        this.stripeMask = 0;
        CacheIdentity identity = new CacheIdentity(null, "SlabEngine", record, table.tag);
        table.identity = identity;
        source.identity = identity;
        this.leaks = null;
        this.sampleBoxes = false;
        this.columnOf = null;
        this.resources = new CacheResources(identity, table, source, pools, geometry, sync, false, null, reader);
        this.reclaim = Leaks.CLEANER.register(this, resources); // an unclosed reader's mappings are unmapped too
    }

    /**
     * A read-only view of the cache file at {@code path}, which a writer (in this or another process) may be
     * changing: every access checks the handle against the file's generation words at that moment; every write,
     * allocation or free throws {@link UnsupportedOperationException}. Generated caches' {@code openReadOnly}.
     *
     * @param path the cache file
     * @param geometry the cache's geometry
     * @param record the record's binary name
     * @param layout the cache's {@code LAYOUT}
     * @return an engine usable from any thread
     * @throws SlabException if the file is missing, damaged or made for another cache
     */
    public static SlabEngine openReadOnly(java.nio.file.Path path, SlabGeometry geometry, String record,
                                          java.lang.foreign.MemoryLayout layout) {
        java.util.Objects.requireNonNull(path, "path");
        return new SlabEngine(geometry, SlabFile.openReader(path,
                new SlabFileFormat.Fingerprint(geometry, record, String.valueOf(layout))), record);
    }

    /**
     * log2 of the stripe count of a cache built with {@code options}: 0 (one pool) unless LOCKED without a lock of
     * the caller's; else {@link SlabBuilder#stripes} or by default the processor count rounded up to a power of
     * two, at most {@link #MAX_DEFAULT_STRIPES} and fewer where the handle space would leave a stripe under
     * {@link #MIN_SLABS_PER_STRIPE} slabs.
     */
    private static int stripeShiftOf(SlabGeometry geometry, SlabBuilder<?> options) {
        int handleSpace = geometry.maxSlabs();
        if (options.stripes > 0) {
            if (options.stripes > handleSpace) {
                throw new IllegalArgumentException("stripes(" + options.stripes + ") exceeds the " + handleSpace
                        + " slabs a cache of " + geometry.slotsPerSlab() + "-slot slabs can hold; use fewer stripes");
            }
            return Integer.numberOfTrailingZeros(options.stripes);
        }
        if (options.sync != SlabSync.LOCKED || options.lock != null) {
            return 0;
        }
        int stripes = Math.min(MAX_DEFAULT_STRIPES,
                Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 2 - 1)));
        while (stripes > 1 && handleSpace / stripes < MIN_SLABS_PER_STRIPE) {
            stripes >>= 1;
        }
        return Integer.numberOfTrailingZeros(stripes);
    }

    /**
     * A builder for an engine of untyped slots with the given geometry.
     *
     * @param geometry slot size, alignment and slab size, from {@link SlabGeometry#of}
     * @return a new builder
     */
    public static Builder builder(SlabGeometry geometry) {
        return new Builder(geometry);
    }

    /** Builds a {@link SlabEngine}; see {@link SlabBuilder} for the options. */
    public static final class Builder extends SlabBuilder<Builder> {
        private final SlabGeometry geometry;

        private Builder(SlabGeometry geometry) {
            this.geometry = geometry;
        }

        /**
         * Builds the engine; takes no memory yet.
         *
         * @return a new, empty engine
         */
        public SlabEngine build() {
            return newEngine(geometry);
        }
    }

    /**
     * Fails unless generated code written for contract {@code generatedFor} and the given geometry can run on
     * this runtime. Generated caches call it when their class is initialised.
     *
     * @param generatedFor the contract version the generated class was written for
     * @param cacheClass the generated class's name, for the message
     * @param slotSize the slot size the processor computed
     * @param slotAlignment the slot alignment the processor computed
     * @param slabSize the slab size
     * @param slotsPerSlab the slots per slab the processor computed
     * @return the geometry, for a {@code static final} field
     * @throws IllegalStateException naming both versions, or both geometries, if they disagree
     */
    public static SlabGeometry requireContract(int generatedFor, String cacheClass, long slotSize,
                                               long slotAlignment, long slabSize, int slotsPerSlab) {
        if (generatedFor != CONTRACT_VERSION) {
            throw new IllegalStateException(cacheClass + " was generated for Slabforge runtime contract "
                    + generatedFor + " but this slabforge-runtime implements contract " + CONTRACT_VERSION
                    + "; use the slabforge-processor and slabforge-runtime of the same release");
        }
        SlabGeometry geometry = SlabGeometry.of(slotSize, slotAlignment, slabSize);
        if (geometry.slotsPerSlab() != slotsPerSlab) {
            throw new IllegalStateException(cacheClass + " was generated for " + slotsPerSlab
                    + " slots per slab but this runtime lays out " + geometry.slotsPerSlab()
                    + "; use the slabforge-processor and slabforge-runtime of the same release");
        }
        return geometry;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Allocation and free. The public methods stay small so that they inline at every call site; the lock and
    // every rare case live in methods of their own.

    /**
     * Allocates a zero-filled slot.
     *
     * @return a live handle, never 0
     * @throws io.slabforge.SlabOutOfMemoryException when no slot can be had
     * @throws SlabException when the memory provider misbehaves or a free list was found damaged
     * @throws IllegalStateException after {@link #close()}
     */
    public long allocate() {
        long handle;
        if (locked) {
            handle = allocateLocked(false, true);
        } else {
            table.checkThread();
            handle = zero(pool.allocate(false));
            if (file != null) {
                published(handle);
            }
        }
        Reference.reachabilityFence(this); // no Cleaner reclaims the cache during the call (CacheResources)
        return handle;
    }

    /** A file-backed cache's allocation is in the file only once its slot is zeroed: complete or absent. */
    private long published(long handle) {
        table.writeThrough(HandleFormat.index(handle), HandleFormat.liveWord(handle));
        return handle;
    }

    /**
     * Allocates a zero-filled slot, or returns 0 when out of memory. Cheap when full: no exception is made.
     *
     * @return a live handle, or 0 when no slot can be had
     */
    public long tryAllocate() {
        long handle;
        if (locked) {
            handle = allocateLocked(true, true);
        } else {
            table.checkThread();
            handle = pool.allocate(true);
            if (handle != 0) {
                zero(handle);
                if (file != null) {
                    published(handle);
                }
            }
        }
        Reference.reachabilityFence(this);
        return handle;
    }

    /**
     * Allocates a slot whose content is unspecified: the caller writes every byte it will read.
     *
     * @return a live handle, never 0
     */
    public long allocateUninitialized() {
        long handle;
        if (locked) {
            handle = allocateLocked(false, false);
        } else {
            table.checkThread();
            handle = pool.allocate(false);
            if (finishesUninitialized) {
                finishUninitialized(handle);
            }
        }
        Reference.reachabilityFence(this);
        return handle;
    }

    /**
     * Allocates a slot whose content is unspecified, or returns 0 when out of memory.
     *
     * @return a live handle, or 0 when no slot can be had
     */
    public long tryAllocateUninitialized() {
        long handle;
        if (locked) {
            handle = allocateLocked(true, false);
        } else {
            table.checkThread();
            handle = pool.allocate(true);
            if (finishesUninitialized && handle != 0) {
                finishUninitialized(handle);
            }
        }
        Reference.reachabilityFence(this);
        return handle;
    }

    private long allocateLocked(boolean orZero, boolean zeroed) {
        if (table.readOnly) {
            throw table.readOnlyException();
        }
        if (leased) {
            SlabPool home = pools[homeStripe()];
            if (home.lease.tryLease()) {
                long handle = allocateLeased(home, zeroed);
                if (handle != 0) {
                    return handle;
                }
            }
        }
        return allocateContended(orZero, zeroed);
    }

    /**
     * Allocation in a pool whose lease the caller just took; ends the lease. Zeroed under it, so a racing close()
     * cannot clear the table first. 0 when the pool has no slot and can get no slab.
     */
    private long allocateLeased(SlabPool in, boolean zeroed) {
        int fullAt;
        try {
            long handle = in.allocate(true);
            return zeroed && handle != 0 ? zero(handle) : opened(handle);
        } catch (TableFull e) {
            fullAt = table.slabCapacity(); // stable while any lease is held
        } finally {
            in.lease.endLease();
        }
        growTable(fullAt); // outside the lease: growth takes every stripe's
        return in.lease.tryLease() ? allocateLeased(in, zeroed) : 0;
    }

    /**
     * The stripe a thread allocates from, and whose slabs' frees it makes under a lease: threads are numbered in
     * the order they first use a striped cache ({@link ThreadNumbers}), so that threads sharing a cache land on
     * different stripes. Virtual threads spread over the stripes the same way: a cache holds slabs per stripe,
     * never per thread.
     */
    private int homeStripe() {
        return ThreadNumbers.current(stripeMask);
    }

    /**
     * Allocation when the fast path could not: the home stripe is held by another thread (any free stripe is
     * leased instead), out of slots and slabs (every stripe is tried before out of memory is reported), or the
     * table must grow.
     */
    private long allocateContended(boolean orZero, boolean zeroed) {
        int home = leased ? homeStripe() : 0;
        if (leased) {
            for (int i = 1; i < pools.length; i++) {
                SlabPool other = pools[(home + i) & stripeMask];
                if (other.lease.tryLease()) {
                    long handle = allocateLeased(other, zeroed);
                    if (handle != 0) {
                        return handle;
                    }
                }
            }
        }
        SlabPool own = pools[home];
        long handle = allocateIn(own, true, zeroed);
        if (handle != 0) {
            return handle;
        }
        // The thread's stripe has no slot and can get no slab: try the others before reporting out of memory.
        for (SlabPool other : pools) {
            if (other != own && (handle = allocateIn(other, true, zeroed)) != 0) {
                return handle;
            }
        }
        return orZero ? 0 : allocateIn(own, false, zeroed);
    }

    /** Allocation in one pool under its lock; zeroed there too, so a racing close() cannot clear the table first. */
    private long allocateIn(SlabPool in, boolean orZero, boolean zeroed) {
        for (;;) {
            int fullAt = -1;
            in.lock.lock();
            try {
                if (table.isClosed()) {
                    throw closedException();
                }
                long handle = in.allocate(orZero);
                if (handle != 0) {
                    table.walkedChange();
                }
                if (file != null && handle != 0) {
                    return published(zero(handle));
                }
                return zeroed && handle != 0 ? zero(handle) : opened(handle);
            } catch (TableFull e) {
                // Grown below, outside this stripe's lock: taking every lock while holding one could deadlock.
                fullAt = table.slabCapacity();
            } finally {
                in.lock.unlock();
            }
            growTable(fullAt);
        }
    }

    /**
     * Grows the slot table of a striped cache while no stripe can write it, unless another thread already grew it
     * past {@code fullAt}, the capacity the caller found full (so that many threads finding it full at once grow
     * it once, not once each).
     */
    private void growTable(int fullAt) {
        lockAll();
        try {
            source.lock.lock();
            try {
                if (table.slabCapacity() > fullAt) {
                    return;
                }
                table.ensureSlabs(fullAt + 1);
                for (SlabPool each : pools) {
                    each.refreshWords();
                }
            } finally {
                source.lock.unlock();
            }
        } finally {
            unlockAll();
        }
    }

    /** Zeroes a just allocated slot; if its provider closed the slab's memory, undoes the allocation. */
    private long zero(long handle) {
        try {
            return zeroSlot(handle);
        } catch (IllegalStateException e) {
            throw memoryClosedUnder(handle, e);
        }
    }

    /**
     * The rest of an unlocked uninitialised allocation where there is more to it ({@link #finishesUninitialized}):
     * one branch on a final field in the fast path of the other caches.
     */
    private void finishUninitialized(long handle) {
        if (file != null) {
            // A file-backed cache zeroes here too: a kill between allocation and the caller's writes leaves zeros,
            // never a freed object's bytes, in a slot the file says is live.
            published(zero(handle));
        } else {
            opened(handle);
        }
    }

    /**
     * An uninitialised allocation touches no slot memory, so on memory a custom provider may close, the slab's
     * scope is asked here: a slab closed under the cache is then noticed by the allocation (undone, the slab out of
     * service, a {@code SlabException} naming the provider) rather than by the caller's first write, which would
     * throw with the slot live and held by no one (a generated {@code allocate(value)} writes right after). A
     * close racing this check is noticed by that write, as for any access. One final-field test on the other
     * providers; 0 passes through.
     */
    private long opened(long handle) {
        if (source.memoryMayClose && handle != 0
                && !table.memoryOfSlab(HandleFormat.index(handle) >>> geometry.slotBits()).scope().isAlive()) {
            throw memoryClosedUnder(handle, new IllegalStateException("Already closed"));
        }
        return handle;
    }

    /**
     * The provider closed the memory of a slab this cache holds (a custom provider's arena closed under it): the
     * allocation is undone and the slab taken out of service, so a retried allocation takes a slot elsewhere
     * (once) rather than failing on, or leaking, a slot of that slab each time.
     */
    private SlabException memoryClosedUnder(long handle, IllegalStateException cause) {
        SlabException failure = new SlabException("memory provider " + source.memory + " closed the memory of a"
                + " slab this cache holds (" + cause.getMessage() + "); the allocation was undone and the slab taken"
                + " out of service: its live objects can no longer be read, the rest of the cache is unaffected",
                cause);
        SlabException release = poolOf(handle).quarantine(handle);
        if (release != null) {
            failure.addSuppressed(release);
        }
        return failure;
    }

    @SuppressWarnings("fallthrough") // the switch stores from the slot's last long down to its first
    private long zeroSlot(long handle) {
        int index = HandleFormat.index(handle);
        int slab = index >>> table.slotBits; // as SlotTable.writeThrough finds it: C2 shares the slab's base
        MemorySegment memory = table.memoryOfSlab(slab);
        long at = table.slotAt(slab, index & table.slotMask);
        int longs = zeroLongs;
        if (longs > 8) {
            memory.asSlice(at, table.slotSize).fill((byte) 0);
            return handle;
        }
        // Straight-line stores for slots of up to 64 bytes: a loop of a few iterations costs C2 more in loop set-up
        // (pre, main and post loops, vector checks) than the stores themselves.
        switch (longs) {
            case 8: memory.set(JAVA_LONG_UNALIGNED, at + 56, 0L); // fall through
            case 7: memory.set(JAVA_LONG_UNALIGNED, at + 48, 0L); // fall through
            case 6: memory.set(JAVA_LONG_UNALIGNED, at + 40, 0L); // fall through
            case 5: memory.set(JAVA_LONG_UNALIGNED, at + 32, 0L); // fall through
            case 4: memory.set(JAVA_LONG_UNALIGNED, at + 24, 0L); // fall through
            case 3: memory.set(JAVA_LONG_UNALIGNED, at + 16, 0L); // fall through
            case 2: memory.set(JAVA_LONG_UNALIGNED, at + 8, 0L); // fall through
            case 1: memory.set(JAVA_LONG_UNALIGNED, at, 0L); // fall through
            default: break;
        }
        if (zeroTailInt) {
            memory.set(JAVA_INT_UNALIGNED, at + ((long) longs << 3), 0);
        }
        return handle;
    }

    /**
     * Frees a slot; the handle and every copy of it are stale from now on.
     *
     * @param handle a live handle of this engine
     * @throws io.slabforge.InvalidHandleException if it is not one (already freed, stale, foreign, malformed)
     * @throws IllegalStateException after {@link #close()}
     */
    public void free(long handle) {
        if (locked) {
            freeLocked(handle);
        } else {
            table.checkThread();
            freeInPool(handle);
        }
        Reference.reachabilityFence(this);
    }

    /** A free on a cache of one thread (or none): the slot into the pool, its columns cleared. */
    private void freeInPool(long handle) {
        pool.free(handle);
        if (table.columns != null) {
            table.clearColumns(handle);
        }
    }

    /**
     * A free in {@code owner}, a pool the calling thread holds (its lock, or a lease it took): how every locked free
     * path that does not free remotely ends. A leased pool's free is a CAS on the word (a remote free may race it)
     * and clears the columns itself; otherwise the columns are cleared here, under the lock, before the slot's next
     * owner can write them. Counts the change for a scan walking the table ({@link SlotTable#walkedChange}).
     */
    private void freeHeld(SlabPool owner, long handle) {
        if (leased) {
            owner.freeLeased(handle);
        } else {
            owner.free(handle);
            if (table.columns != null) {
                table.clearColumns(handle);
            }
        }
        table.walkedChange();
    }

    /**
     * A free on a LOCKED cache. A leased cache: by the handle's home-stripe thread under a lease (a CAS on the
     * lease, a CAS on the word, the slot onto the magazine); by any other thread, or when the lease is taken, one
     * CAS on the word and one on the pool's remote-free ring, which the pool's next holder collects.
     */
    private void freeLocked(long handle) {
        if (table.readOnly) {
            throw table.readOnlyException();
        }
        if (!leased) {
            freeUnderLock(handle);
            return;
        }
        int stripe = (HandleFormat.index(handle) >>> geometry.slotBits()) & stripeMask;
        SlabPool owner = pools[stripe];
        if (stripe == homeStripe() && owner.lease.tryLease()) {
            try {
                owner.freeLeased(handle);
            } finally {
                owner.lease.endLease();
            }
            return;
        }
        freeRemotely(owner, handle);
    }

    /** A free by a thread without the lease of the handle's pool: CAS on the word, offer to the pool's ring. */
    private void freeRemotely(SlabPool owner, long handle) {
        if (owner.lease.isHeldByCurrentThread()) {
            freeHeld(owner, handle); // a scan or forEach action (or a provider) of this thread: it holds the pool
            return;
        }
        long position = owner.freeRemote(handle);
        if (position == 0 || position % COLLECT_EVERY == 0) {
            collectFreed(owner, handle, position == 0);
        }
    }

    /** A free on a cache guarded by a lock of the user's. */
    private void freeUnderLock(long handle) {
        SlabPool owner = poolOf(handle);
        owner.lock.lock();
        try {
            freeHeld(owner, handle);
        } finally {
            owner.lock.unlock();
        }
    }

    /**
     * After a remote free: collects the pool's ring while the pool is free (so frees to a pool nobody allocates
     * from do not pile up), or, when the ring was full, takes the pool, waiting if need be, and collects the
     * handle itself with the ring.
     */
    private void collectFreed(SlabPool owner, long handle, boolean ringWasFull) {
        if (ringWasFull) {
            owner.lock.lock();
            try {
                owner.collect(handle);
                owner.collectRemote();
            } finally {
                owner.lock.unlock();
            }
        } else if (owner.lease.tryLease()) {
            try {
                owner.collectRemote();
            } finally {
                owner.lease.endLease();
            }
        }
    }

    private SlabPool poolOf(long handle) {
        return pools[(HandleFormat.index(handle) >>> geometry.slotBits()) & (pools.length - 1)];
    }

    /**
     * Frees a handle unless the engine is closed, atomically with respect to {@link #close()} on a locked engine:
     * for {@link SlabBox#close()}, which must be a no-op once its cache is closed, even when the two race.
     */
    void freeUnlessClosed(long handle) {
        if (!locked) {
            table.checkThread();
            if (!table.isClosed()) {
                freeInPool(handle);
            }
            Reference.reachabilityFence(this);
            return;
        }
        if (table.readOnly) {
            throw table.readOnlyException();
        }
        SlabPool owner = poolOf(handle);
        owner.lock.lock();
        try {
            if (!table.isClosed()) {
                freeHeld(owner, handle);
            }
        } finally {
            owner.lock.unlock();
        }
        Reference.reachabilityFence(this);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Leak detection (Leaks): called from the SlabBox constructor, on a thread that just allocated from the cache

    /**
     * Starts watching a new box for a leak as the cache's level says, and first frees the slots of boxes found
     * leaked since the last call (here, on a thread allowed to use the cache: the cleaner thread never frees).
     *
     * @return the box's leak record, or null when it is not tracked
     */
    Leaks.BoxLeak trackBox(Object box, long handle) {
        Leaks.Tracker tracker = leaks;
        if (tracker == null) {
            return null;
        }
        if (tracker.hasPending()) {
            freeLeaked(tracker);
        }
        if (sampleBoxes && !Leaks.sampled()) {
            return null;
        }
        return tracker.track(box, handle);
    }

    private void freeLeaked(Leaks.Tracker tracker) {
        tracker.clearPending();
        for (long leaked = tracker.nextLeaked(); leaked != 0; leaked = tracker.nextLeaked()) {
            freeIfLive(leaked);
        }
    }

    /**
     * Frees {@code handle} if it is still live (a leaked box's slot may have been freed through its handle), by the
     * same paths as {@link #free}, so that its columns are cleared too. On a leased cache another thread may free
     * it remotely between the test and the free: the free's CAS then fails, and there is nothing left to do.
     */
    private void freeIfLive(long handle) {
        if (!locked) {
            if (table.isLive(handle)) {
                freeInPool(handle);
            }
            return;
        }
        SlabPool owner = poolOf(handle);
        owner.lock.lock();
        try {
            if (table.isLive(handle)) {
                freeHeld(owner, handle);
            }
        } catch (InvalidHandleException freedMeanwhile) {
            // freed remotely since the test: what this method was for happened anyway
        } finally {
            owner.lock.unlock();
        }
    }

    /**
     * Whether {@code handle} is a live handle of this engine. Never throws for any long value (a confined engine
     * used from another thread still throws {@link WrongThreadException}).
     *
     * @param handle any long
     * @return {@code true} if it names a currently allocated slot
     */
    public boolean isLive(long handle) {
        table.checkThread();
        boolean live = table.isLive(handle);
        Reference.reachabilityFence(this);
        return live;
    }

    /**
     * The slot of a live handle as a segment of exactly {@code slotSize} bytes, for native calls and bulk copies.
     * Always validated, even on an unchecked engine. It is a slice of the slab's region (or of the provider's
     * segment), never of all memory: once the region is given back, accesses through it throw.
     *
     * @param handle a live handle
     * @return the slot's memory
     */
    public MemorySegment segment(long handle) {
        table.checkThread();
        if (!table.isLive(handle)) {
            throw table.invalid(handle);
        }
        MemorySegment slot = table.slotSegment(handle);
        Reference.reachabilityFence(this);
        return slot;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Field access: validate, bound to the slot, access. One check per handle where C2 sees several accesses.

    /**
     * Reads a {@code byte} at {@code offset} in the slot.
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public byte getByte(long handle, long offset) {
        return getByte(geometry, handle, offset);
    }

    /**
     * Reads a {@code byte} at {@code offset} in the slot.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public byte getByte(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Byte.BYTES);
        var value = t.memoryOf(handle).get(JAVA_BYTE, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code byte}.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setByte(long handle, long offset, byte value) {
        setByte(geometry, handle, offset, value);
    }

    /**
     * Writes a {@code byte}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setByte(SlabGeometry g, long handle, long offset, byte value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Byte.BYTES);
        t.memoryOf(handle).set(JAVA_BYTE, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code boolean} (one byte, nonzero is true).
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public boolean getBoolean(long handle, long offset) {
        return getBoolean(geometry, handle, offset);
    }

    /**
     * Reads a {@code boolean} (one byte, nonzero is true).
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public boolean getBoolean(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Byte.BYTES);
        var value = t.memoryOf(handle).get(JAVA_BOOLEAN, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code boolean} as one byte.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setBoolean(long handle, long offset, boolean value) {
        setBoolean(geometry, handle, offset, value);
    }

    /**
     * Writes a {@code boolean} as one byte.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setBoolean(SlabGeometry g, long handle, long offset, boolean value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Byte.BYTES);
        t.memoryOf(handle).set(JAVA_BOOLEAN, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code short}.
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public short getShort(long handle, long offset) {
        return getShort(geometry, handle, offset);
    }

    /**
     * Reads a {@code short}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public short getShort(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Short.BYTES);
        var value = t.memoryOf(handle).get(JAVA_SHORT_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code short}.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setShort(long handle, long offset, short value) {
        setShort(geometry, handle, offset, value);
    }

    /**
     * Writes a {@code short}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setShort(SlabGeometry g, long handle, long offset, short value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Short.BYTES);
        t.memoryOf(handle).set(JAVA_SHORT_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code char}.
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public char getChar(long handle, long offset) {
        return getChar(geometry, handle, offset);
    }

    /**
     * Reads a {@code char}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public char getChar(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Character.BYTES);
        var value = t.memoryOf(handle).get(JAVA_CHAR_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code char}.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setChar(long handle, long offset, char value) {
        setChar(geometry, handle, offset, value);
    }

    /**
     * Writes a {@code char}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setChar(SlabGeometry g, long handle, long offset, char value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Character.BYTES);
        t.memoryOf(handle).set(JAVA_CHAR_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads an {@code int}.
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public int getInt(long handle, long offset) {
        return getInt(geometry, handle, offset);
    }

    /**
     * Reads an {@code int}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public int getInt(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Integer.BYTES);
        var value = t.memoryOf(handle).get(JAVA_INT_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes an {@code int}.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setInt(long handle, long offset, int value) {
        setInt(geometry, handle, offset, value);
    }

    /**
     * Writes an {@code int}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setInt(SlabGeometry g, long handle, long offset, int value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Integer.BYTES);
        t.memoryOf(handle).set(JAVA_INT_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code float}.
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public float getFloat(long handle, long offset) {
        return getFloat(geometry, handle, offset);
    }

    /**
     * Reads a {@code float}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public float getFloat(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Float.BYTES);
        var value = t.memoryOf(handle).get(JAVA_FLOAT_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code float}.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setFloat(long handle, long offset, float value) {
        setFloat(geometry, handle, offset, value);
    }

    /**
     * Writes a {@code float}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setFloat(SlabGeometry g, long handle, long offset, float value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Float.BYTES);
        t.memoryOf(handle).set(JAVA_FLOAT_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code long}.
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public long getLong(long handle, long offset) {
        return getLong(geometry, handle, offset);
    }

    /**
     * Reads a {@code long}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public long getLong(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Long.BYTES);
        var value = t.memoryOf(handle).get(JAVA_LONG_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code long}.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setLong(long handle, long offset, long value) {
        setLong(geometry, handle, offset, value);
    }

    /**
     * Writes a {@code long}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setLong(SlabGeometry g, long handle, long offset, long value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Long.BYTES);
        t.memoryOf(handle).set(JAVA_LONG_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code double}.
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public double getDouble(long handle, long offset) {
        return getDouble(geometry, handle, offset);
    }

    /**
     * Reads a {@code double}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @return the value
     */
    public double getDouble(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Double.BYTES);
        var value = t.memoryOf(handle).get(JAVA_DOUBLE_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code double}.
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setDouble(long handle, long offset, double value) {
        setDouble(geometry, handle, offset, value);
    }

    /**
     * Writes a {@code double}.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param value the value
     */
    public void setDouble(SlabGeometry g, long handle, long offset, double value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Double.BYTES);
        t.memoryOf(handle).set(JAVA_DOUBLE_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Copies {@code count} elements of {@code layout} at {@code offset} in the slot into {@code array} (a primitive
     * array of the layout's carrier) from index 0.
     *
     * @param handle a live handle
     * @param offset in the slot
     * @param layout the element layout
     * @param array the destination
     * @param count elements to copy
     */
    public void copyOut(long handle, long offset, ValueLayout layout, Object array, int count) {
        copyOut(geometry, handle, offset, layout, array, count);
    }

    /**
     * Copies {@code count} elements of {@code layout} at {@code offset} in the slot into {@code array} (a primitive
     * array of the layout's carrier) from index 0.
     *
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param layout the element layout
     * @param array the destination
     * @param count elements to copy
     */
    public void copyOut(SlabGeometry g, long handle, long offset, ValueLayout layout, Object array, int count) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, count * layout.byteSize());
        MemorySegment.copy(t.memoryOf(handle), layout, at, array, 0, count);
        Reference.reachabilityFence(this);
    }

    /**
     * Copies {@code count} elements of {@code array} (a primitive array) into the slot at {@code offset}.
     *
     * @param handle a live handle
     * @param offset in the slot
     * @param layout the element layout
     * @param array the source
     * @param count elements to copy
     */
    public void copyIn(long handle, long offset, ValueLayout layout, Object array, int count) {
        copyIn(geometry, handle, offset, layout, array, count);
    }

    /**
     * Copies {@code count} elements of {@code array} (a primitive array) into the slot at {@code offset}.
     *
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param layout the element layout
     * @param array the source
     * @param count elements to copy
     */
    public void copyIn(SlabGeometry g, long handle, long offset, ValueLayout layout, Object array, int count) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, count * layout.byteSize());
        MemorySegment.copy(array, 0, t.memoryOf(handle), layout, at, count);
        Reference.reachabilityFence(this);
    }

    /**
     * Fills {@code size} bytes at {@code offset} in the slot with zeros.
     *
     * @param handle a live handle
     * @param offset in the slot
     * @param size bytes to clear
     */
    public void clear(long handle, long offset, long size) {
        clear(geometry, handle, offset, size);
    }

    /**
     * Fills {@code size} bytes at {@code offset} in the slot with zeros.
     *
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot
     * @param size bytes to clear
     */
    public void clear(SlabGeometry g, long handle, long offset, long size) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, size);
        t.memoryOf(handle).asSlice(at, size).fill((byte) 0);
        Reference.reachabilityFence(this);
    }

    // @Length strings (UTF-8, NUL-padded; see SlabStrings)

    /**
     * Reads a {@code @Length(length) String} at {@code offset} in the slot.
     * @param handle a live handle
     * @param offset in the slot
     * @param length the component's byte limit
     * @return the string (allocates only the string)
     */
    public String getString(long handle, long offset, int length) {
        SlotTable t = table;
        long at = t.locate(handle, offset, length);
        String value = SlabStrings.read(t.memoryOf(handle), at, length);
        Reference.reachabilityFence(t);
        return value;
    }

    /**
     * Writes a {@code @Length(length) String}: checked first, so a value that does not fit changes nothing.
     * @param handle a live handle
     * @param offset in the slot
     * @param length the component's byte limit
     * @param value the value
     * @param name the component, for messages ({@code Order.symbol})
     * @throws IllegalArgumentException if it is longer than {@code length} bytes of UTF-8 or contains U+0000
     */
    public void setString(long handle, long offset, int length, CharSequence value, String name) {
        SlotTable t = table;
        long at = t.locate(handle, offset, length);
        SlabStrings.check(value, length, name);
        SlabStrings.write(t.memoryOf(handle), at, length, value);
        Reference.reachabilityFence(t);
    }

    /**
     * Whether the {@code @Length(length) String} at {@code offset} equals {@code value}; allocates nothing.
     * @param handle a live handle
     * @param offset in the slot
     * @param length the component's byte limit
     * @param value the value to compare with (null is never equal)
     * @return whether they are equal
     */
    public boolean stringEquals(long handle, long offset, int length, CharSequence value) {
        SlotTable t = table;
        long at = t.locate(handle, offset, length);
        boolean equal = SlabStrings.equalTo(t.memoryOf(handle), at, length, value);
        Reference.reachabilityFence(t);
        return equal;
    }

    // Atomic access (@Atomic components): naturally aligned ints and longs, through the aligned layouts' VarHandles.

    /**
     * Volatile read.
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @return the value
     */
    public int getIntVolatile(long handle, long offset) {
        return getIntVolatile(geometry, handle, offset);
    }

    /**
     * Volatile read.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @return the value
     */
    public int getIntVolatile(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Integer.BYTES);
        int value = (int) INT_HANDLE.getVolatile(t.memoryOf(handle), at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Volatile write.
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param value the value
     */
    public void setIntVolatile(long handle, long offset, int value) {
        setIntVolatile(geometry, handle, offset, value);
    }

    /**
     * Volatile write.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param value the value
     */
    public void setIntVolatile(SlabGeometry g, long handle, long offset, int value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Integer.BYTES);
        INT_HANDLE.setVolatile(t.memoryOf(handle), at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Acquire read.
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @return the value
     */
    public int getIntAcquire(long handle, long offset) {
        return getIntAcquire(geometry, handle, offset);
    }

    /**
     * Acquire read.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @return the value
     */
    public int getIntAcquire(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Integer.BYTES);
        int value = (int) INT_HANDLE.getAcquire(t.memoryOf(handle), at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Release write.
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param value the value
     */
    public void setIntRelease(long handle, long offset, int value) {
        setIntRelease(geometry, handle, offset, value);
    }

    /**
     * Release write.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param value the value
     */
    public void setIntRelease(SlabGeometry g, long handle, long offset, int value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Integer.BYTES);
        INT_HANDLE.setRelease(t.memoryOf(handle), at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Compare-and-set.
     *
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param expected the expected value
     * @param value the new value
     * @return whether it was set
     */
    public boolean compareAndSetInt(long handle, long offset, int expected, int value) {
        return compareAndSetInt(geometry, handle, offset, expected, value);
    }

    /**
     * Compare-and-set.
     *
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param expected the expected value
     * @param value the new value
     * @return whether it was set
     */
    public boolean compareAndSetInt(SlabGeometry g, long handle, long offset, int expected, int value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Integer.BYTES);
        boolean set = INT_HANDLE.compareAndSet(t.memoryOf(handle), at, expected, value);
        Reference.reachabilityFence(this);
        return set;
    }

    /**
     * Atomic add.
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param delta the addend
     * @return the value before
     */
    public int getAndAddInt(long handle, long offset, int delta) {
        return getAndAddInt(geometry, handle, offset, delta);
    }

    /**
     * Atomic add.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 4-aligned
     * @param delta the addend
     * @return the value before
     */
    public int getAndAddInt(SlabGeometry g, long handle, long offset, int delta) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Integer.BYTES);
        int value = (int) INT_HANDLE.getAndAdd(t.memoryOf(handle), at, delta);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Volatile read.
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @return the value
     */
    public long getLongVolatile(long handle, long offset) {
        return getLongVolatile(geometry, handle, offset);
    }

    /**
     * Volatile read.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @return the value
     */
    public long getLongVolatile(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Long.BYTES);
        long value = (long) LONG_HANDLE.getVolatile(t.memoryOf(handle), at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Volatile write.
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param value the value
     */
    public void setLongVolatile(long handle, long offset, long value) {
        setLongVolatile(geometry, handle, offset, value);
    }

    /**
     * Volatile write.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param value the value
     */
    public void setLongVolatile(SlabGeometry g, long handle, long offset, long value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Long.BYTES);
        LONG_HANDLE.setVolatile(t.memoryOf(handle), at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Acquire read.
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @return the value
     */
    public long getLongAcquire(long handle, long offset) {
        return getLongAcquire(geometry, handle, offset);
    }

    /**
     * Acquire read.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @return the value
     */
    public long getLongAcquire(SlabGeometry g, long handle, long offset) {
        SlotTable t = table;
        long at = t.locate(g, handle, offset, Long.BYTES);
        long value = (long) LONG_HANDLE.getAcquire(t.memoryOf(handle), at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Release write.
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param value the value
     */
    public void setLongRelease(long handle, long offset, long value) {
        setLongRelease(geometry, handle, offset, value);
    }

    /**
     * Release write.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param value the value
     */
    public void setLongRelease(SlabGeometry g, long handle, long offset, long value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Long.BYTES);
        LONG_HANDLE.setRelease(t.memoryOf(handle), at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Compare-and-set.
     *
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param expected the expected value
     * @param value the new value
     * @return whether it was set
     */
    public boolean compareAndSetLong(long handle, long offset, long expected, long value) {
        return compareAndSetLong(geometry, handle, offset, expected, value);
    }

    /**
     * Compare-and-set.
     *
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param expected the expected value
     * @param value the new value
     * @return whether it was set
     */
    public boolean compareAndSetLong(SlabGeometry g, long handle, long offset, long expected, long value) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Long.BYTES);
        boolean set = LONG_HANDLE.compareAndSet(t.memoryOf(handle), at, expected, value);
        Reference.reachabilityFence(this);
        return set;
    }

    /**
     * Atomic add.
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param delta the addend
     * @return the value before
     */
    public long getAndAddLong(long handle, long offset, long delta) {
        return getAndAddLong(geometry, handle, offset, delta);
    }

    /**
     * Atomic add.
     * @param g the generated class's {@code GEOMETRY}, which must be this engine's own: a {@code static final}
     *          constant there, it lets the JIT fold the slot bound and the slot arithmetic
     * @param handle a live handle
     * @param offset in the slot, 8-aligned
     * @param delta the addend
     * @return the value before
     */
    public long getAndAddLong(SlabGeometry g, long handle, long offset, long delta) {
        SlotTable t = table;
        long at = t.locateWrite(g, handle, offset, Long.BYTES);
        long value = (long) LONG_HANDLE.getAndAdd(t.memoryOf(handle), at, delta);
        Reference.reachabilityFence(this);
        return value;
    }

    // ------------------------------------------------------------------------------------------------------------
    // The whole cache: iteration, statistics, close

    /**
     * Calls {@code action} with every live handle. The action may free the handle it is given, allocate (slots
     * allocated during the walk may or may not be visited; the walk ends regardless) or close the cache (the walk
     * then stops and returns). On a {@code LOCKED} cache the walk holds every pool's lock (reentrant, so the action
     * may allocate and free from the same thread).
     *
     * @param action what to do with each live handle
     */
    public void forEach(LongConsumer action) {
        lockAll();
        try {
            checkOpen();
            if (table.readOnly) {
                file.forEachLive(action, table.tagBits);
                return;
            }
            for (SlabPool each : pools) {
                each.forEach(action);
            }
        } finally {
            unlockAll();
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Calls {@code action} with the handle of every live slot, slab by slab in slot order, without validating each
     * one (the walk reads the generation words itself). An allocation or free on this cache during the walk is a
     * {@link java.util.ConcurrentModificationException} at the next step (the cache is consistent: the call that
     * changed it completed); {@code close()} from the action an {@link IllegalStateException}. On a {@code LOCKED}
     * cache the walk holds every pool's lock, as {@link #forEach} does.
     *
     * @param action what to do with each live handle
     */
    public void scan(LongConsumer action) {
        scan(new HandleRef(this), ref -> action.accept(ref.handle()));
    }

    /**
     * {@link #scan(LongConsumer)} for a generated {@code Ref}: {@code action} is given {@code ref} at every step,
     * positioned at the slot, so that it reads and writes the scalar fields in place (see {@link SlabRef}).
     *
     * @param ref a new {@code Ref} of this cache
     * @param action what to do with each live slot
     * @param <R> the generated {@code Ref}
     */
    public <R extends SlabRef> void scan(R ref, Consumer<? super R> action) {
        if (!ref.belongsTo(table) || ref.outer != null || table.walking == ref) {
            throw new IllegalArgumentException("the Ref is not a new one of this cache's");
        }
        lockAll();
        try {
            checkOpen();
            SlabScan.walk(pools, table, leased, ref, action);
        } finally {
            unlockAll();
        }
    }

    /** The {@code Ref} of {@link #scan(LongConsumer)}, whose action takes the handle only. */
    private static final class HandleRef extends SlabRef {
        HandleRef(SlabEngine engine) {
            super(engine);
        }
    }

    /**
     * Live objects right now; 0 once closed.
     *
     * @return the number of allocated slots
     */
    public long liveCount() {
        return stats().liveObjects();
    }

    /**
     * A snapshot of occupancy and activity: consistent on a {@code LOCKED} cache (taken under every pool's lock)
     * and on the owner thread of a {@code CONFINED} one. From another thread, a {@code CONFINED} or {@code NONE}
     * engine answers with a racy snapshot (each figure one it had recently, read without a fence or a lock) rather
     * than {@link WrongThreadException}, so that JMX and metrics can read it; nothing is changed and nothing can
     * fault. Once closed, the cache holds no slabs and no live objects; the allocation and free counts stay.
     *
     * @return the statistics
     */
    public SlabStats stats() {
        if (!locked) {
            SlabStats stats = resources.snapshot();
            Reference.reachabilityFence(this);
            return stats;
        }
        lockAll();
        try {
            if (leased) {
                for (SlabPool each : pools) {
                    each.collectRemote(); // exact: every free that returned is counted
                }
            }
            return resources.snapshot();
        } finally {
            unlockAll();
        }
    }

    /**
     * Gives every empty slab the cache keeps for reuse (up to {@code reserveSlabs} per pool) back to the provider;
     * live objects and the slabs holding them stay. For a provider whose memory is bounded, or shared with others.
     *
     * <pre>{@code
     * engine.trim();   // after a burst: hand the reserve back
     * }</pre>
     *
     * @return the bytes given back
     * @throws SlabException if the provider threw from {@code free} (the slabs not yet offered stay held)
     * @throws IllegalStateException after {@link #close()}
     */
    public long trim() {
        lockAll();
        try {
            checkOpen();
            if (file != null) {
                return 0; // a file's slabs stay in it (and in use); there is nothing to give back
            }
            long slabs = 0;
            for (SlabPool each : pools) {
                slabs += each.releaseEmptySlabs();
            }
            return slabs * geometry.slabSize();
        } finally {
            unlockAll();
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Whether {@link #close()} was called. On a {@code LOCKED} cache, a field read that raced {@code close()} (it
     * is lock-free, and may then have read any bytes of the slot given back) is always followed by {@code true}
     * here, so a caller that must know can ask after the read.
     *
     * @return {@code true} once closed, or while closing
     */
    public boolean isClosed() {
        VarHandle.acquireFence(); // the caller's reads before this one stay before it
        return table.isClosed();
    }

    /**
     * Forces what was written so far to the cache file's storage (msync and fsync): it then survives an OS crash
     * or power loss, which otherwise only what the OS wrote back by itself does. A process crash loses nothing
     * either way. Does nothing for a cache that is not file-backed.
     *
     * @throws UnsupportedOperationException on a reader ({@link #openReadOnly})
     * @throws SlabException if the OS reports an I/O error
     */
    public void flush() {
        if (table.readOnly) {
            throw table.readOnlyException();
        }
        lockAll();
        try {
            checkOpen();
            if (file == null) {
                return;
            }
            long frees = 0;
            for (SlabPool each : pools) {
                frees += each.frees;
            }
            file.flush(frees);
        } finally {
            unlockAll();
        }
    }

    /**
     * The cache file of a file-backed cache or reader, else null.
     *
     * @return the path given to {@code open}, {@code file} or {@code openReadOnly}, or null
     */
    public java.nio.file.Path file() {
        return file == null ? null : file.path;
    }

    /**
     * Gives every slab back to the provider and releases the cache tag; every handle becomes invalid. A second call
     * does nothing. If the provider fails to take a slab back, every other slab is still offered and the tag still
     * released, and the first failure is thrown (the others suppressed in it).
     *
     * @throws SlabException if the provider threw from {@code free}
     */
    @Override
    public void close() {
        lockAll();
        SlabException failure;
        try {
            if (table.isClosed()) {
                return;
            }
            failure = resources.releaseEverything();
        } finally {
            unlockAll();
        }
        reclaim.clean(); // the table is closed: only unregisters the MXBean, and the Cleaner forgets this engine
        if (failure != null) {
            throw failure;
        }
    }

    /** The CONFINED thread check, or every pool's lock in pool order (never taken the other way round). */
    private void lockAll() {
        if (!locked) {
            table.checkThread();
            return;
        }
        for (SlabPool each : pools) {
            each.lock.lock();
        }
    }

    private void unlockAll() {
        if (!locked) {
            return;
        }
        for (int i = pools.length - 1; i >= 0; i--) {
            pools[i].lock.unlock();
        }
    }

    private void checkOpen() {
        if (table.isClosed()) {
            throw closedException();
        }
    }

    private IllegalStateException closedException() {
        return table.closedException();
    }

    /**
     * Throws {@link WrongThreadException} if this is a confined engine and the caller is not its owner.
     */
    void checkThread() {
        table.checkThread();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Description

    /**
     * The geometry of this engine's slabs.
     *
     * @return the geometry
     */
    public SlabGeometry geometry() {
        return geometry;
    }

    /**
     * Whether field accesses validate the handle's tag and generation.
     *
     * @return {@code false} for an engine built with {@code checked(false)}
     */
    public boolean isChecked() {
        return table.checked;
    }

    /**
     * The synchronisation mode.
     *
     * @return the mode
     */
    public SlabSync sync() {
        return sync;
    }

    /**
     * Whether slabs are accessed at their addresses (the fast path): native access granted to the runtime and the
     * built-in provider ({@code SlabMemory.ofArena()}, possibly bounded), its regions mapped where the cache is
     * {@code LOCKED} (Linux and macOS). Otherwise every
     * access goes through the segment of the slab's region (or the provider's segment), whose bounds and liveness
     * FFM checks.
     *
     * @return whether this engine takes the direct path
     */
    public boolean isDirect() {
        return table.direct;
    }

    /** Stripes of a {@code LOCKED} cache (1 for an unstriped cache), for tests. */
    int stripeCount() {
        return pools.length;
    }

    /**
     * The cache tag of this engine's handles.
     * @return the tag
     */
    public int tag() {
        return table.tag;
    }

    /**
     * The name given with {@code builder().name(...)}, or null.
     * @return the name, or null
     */
    public String name() {
        return table.identity.name();
    }

    /**
     * {@code handle} described for logs: its hex value, cache tag, slab, slot and generation.
     *
     * @param handle any long
     * @return the description
     */
    public String describe(long handle) {
        return HandleFormat.describe(handle, geometry.slotBits());
    }

    /**
     * The live handle of slot {@code slot} of slab {@code slab}, or 0 if that slot is not live: how
     * {@code SlabAllocator} turns a block's address back into a handle.
     *
     * @param slab a slab index
     * @param slot a slot index
     * @return the handle, or 0
     */
    public long liveHandleAt(int slab, int slot) {
        if (slab < 0 || slot < 0 || slot >= geometry.slotsPerSlab() || slab >= geometry.maxSlabs()) {
            return 0;
        }
        int index = slab << geometry.slotBits() | slot;
        int word = table.word(index);
        return (word & HandleFormat.LIVE) == 0 || table.isClosed() ? 0 : HandleFormat.handle(table.tagBits, word, index);
    }

    /**
     * The pool of an engine built {@link SlabSync#NONE} without a file, for a caller that guards every call itself
     * and keeps this engine reachable during it ({@code SlabAllocator}): its {@link SlabPool#allocate} and
     * {@link SlabPool#freeIfLive} are the engine's own paths without the dispatch on sync mode, file and columns,
     * and without {@link #requireSlabOpen}.
     *
     * @return the engine's only pool
     * @throws IllegalStateException for any other engine
     */
    public SlabPool unsyncedPool() {
        if (sync != SlabSync.NONE || file != null || table.columns != null || table.readOnly) {
            throw new IllegalStateException("only an engine built NONE, without a file or columns, lends its pool: "
                    + this);
        }
        return pool;
    }

    /**
     * Whether {@code memory} may close a slab's memory under an engine: any provider but the built-in region
     * providers (bounded or not). An allocation through {@link #unsyncedPool} from such memory must be followed by
     * {@link #requireSlabOpen}.
     *
     * @param memory a provider
     * @return true for a provider other than the built-in ones
     */
    public static boolean mayCloseSlabs(SlabMemory memory) {
        return SlabSource.mayClose(memory);
    }

    /**
     * What every uninitialised allocation of this engine does after taking a slot: if the provider closed the
     * slot's slab, the allocation is undone, the slab taken out of service and a {@code SlabException} thrown.
     *
     * @param handle a handle just allocated through {@link #unsyncedPool}
     * @throws io.slabforge.SlabException if the slab's memory is closed
     */
    public void requireSlabOpen(long handle) {
        opened(handle);
        Reference.reachabilityFence(this);
    }

    SlotTable table() {
        return table;
    }

    SlabPool pool(int stripe) {
        return pools[stripe];
    }

    /**
     * The sync mode, live count, slabs and paths, for {@code toString()} of generated caches. Reads the counters
     * without synchronisation (a {@code LOCKED} cache's may be a moment old) and never throws, from any thread.
     *
     * @return for example {@code "\"particles\", CONFINED, 3 live in 1 slab, direct, checked, tag 7"} (the name only
     *     where one was given)
     */
    public String summary() {
        String named = table.identity.name() == null ? "" : "\"" + table.identity.name() + "\", ";
        if (table.isClosed()) {
            return named + sync + ", closed";
        }
        long live = 0;
        long slabs = 0;
        for (SlabPool each : pools) {
            live += each.liveObjects();
            slabs += each.heldSlabs();
        }
        String where = file == null ? "" : (table.readOnly ? "reading " : "file ") + file + ", ";
        return named + sync + ", " + where + live + " live in " + slabs + (slabs == 1 ? " slab, " : " slabs, ")
                + (table.direct ? "direct" : "through regions") + ", " + (table.checked ? "checked" : "unchecked")
                + ", tag " + table.tag;
    }

    @Override
    public String toString() {
        return "SlabEngine[" + (table.identity.name() == null ? "" : "name=" + table.identity.name() + ", ")
                + "tag=" + table.tag + ", " + geometry + ", sync=" + sync + ", checked=" + table.checked
                + ", direct=" + table.direct + (file != null ? ", file=" + file : ", memory=" + source.memory) + "]";
    }
}
