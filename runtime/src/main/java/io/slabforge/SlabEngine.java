package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * The slab engine: a cache of fixed-size slots in slabs taken from a {@link SlabMemory}. Generated caches
 * ({@code ParticleSlab} and the like) are typed views over one engine; it can also be used directly for untyped
 * slots.
 *
 * <pre>{@code
 * try (SlabEngine slots = SlabEngine.builder(SlabGeometry.of(16, 8, 4096)).build()) {
 *     long h = slots.allocate();
 *     slots.slabOf(h).set(ValueLayout.JAVA_LONG, slots.slotOffset(h), 42L);
 *     slots.free(h);
 * }
 * }</pre>
 *
 * <h2>Handles</h2>
 * A handle is a {@code long}, never 0, of four fields; all 64 bits are validated:
 * <pre>
 *  63        52 51                     28 27                               0
 * +------------+-------------------------+----------------------------------+
 * | cache tag  |       generation        |  slab index   |   slot index     |
 * |  12 bits   |         24 bits         |   28 - slotBits | slotBits       |
 * +------------+-------------------------+----------------------------------+
 * </pre>
 * <ul>
 *   <li>Cache tag, 1..4095: unique among open caches, so at most {@value #MAX_OPEN_CACHES} caches are open at
 *       once (one more fails with {@link SlabException}); two open caches never accept each other's handles.
 *       Tags are handed out round-robin, so a closed cache's tag is reused as late as possible.</li>
 *   <li>Generation, 24 bits: bumped by every free. A slot can be reused 2<sup>24</sup> times before a generation
 *       repeats; after that the counter wraps (memory does not grow under churn), and a handle that went stale
 *       exactly a multiple of 2<sup>24</sup> reuses ago would be accepted again. Fresh slabs start at a random
 *       generation, and generations survive a slab being returned to the provider and its index reused.</li>
 *   <li>Index, 28 bits: the slab index above {@link SlabGeometry#slotBits()} slot bits. At most
 *       {@code 2^(28 - slotBits)} slabs and so at most {@code 2^(28 - slotBits) * slotsPerSlab} (fewer than
 *       2<sup>28</sup>) live objects per cache; past them allocation fails with
 *       {@link SlabOutOfMemoryException}.</li>
 * </ul>
 *
 * <h2>Synchronisation</h2>
 * {@link SlabSync#CONFINED}: every call checks the calling thread. {@link SlabSync#LOCKED}: allocate and free
 * run under the lock of the {@linkplain SlabBuilder#stripes stripe} that owns the slab (a thread allocates from
 * its own stripe), close, stats and iteration under every stripe's lock; field accesses ({@link #slabOf}) take no
 * lock. A thread that reads a field while another frees the same slot may see the old value, the value written by
 * the next owner of the slot, or {@link InvalidHandleException}; never memory outside the cache's slabs. Hand a
 * handle to another thread through a happens-before edge (a queue, a lock, a volatile) and it sees the slot as the
 * sender left it. {@link SlabSync#NONE}: no checks; the caller must not use the cache from two threads at once
 * (handing it over through a happens-before edge is fine): on the {@linkplain #isDirect() direct} path a data race
 * can touch memory the cache has given back.
 */
public final class SlabEngine extends CacheLinePadding implements AutoCloseable {

    /** Version of the contract between generated code and this engine; generated code states the one it needs. */
    public static final int CONTRACT_VERSION = 3;
    /** How many caches can be open at the same time. */
    public static final int MAX_OPEN_CACHES = (1 << 12) - 1;
    /** How many times a slot is reused before its generation repeats. */
    public static final long GENERATIONS = 1L << 24;

    static final int INDEX_BITS = 28;
    static final int GENERATION_SHIFT = 28;
    static final int TAG_SHIFT = 52;
    static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    static final long TAG_MASK = -1L << TAG_SHIFT;
    static final int GENERATION_MASK = (int) GENERATIONS - 1;
    /** Set in a slot's generation word while the slot is allocated. */
    static final int LIVE = 0x8000_0000;

    // Slab header, see docs/ARCHITECTURE.md: the slab's metadata lives in the slab, as in the seed, and is the only
    // copy (so a cache of small slabs costs almost no heap per slab).
    static final long MAGIC_OFFSET = 0;
    static final long INDEX_OFFSET = 4;
    static final long FREE_HEAD_OFFSET = 8;
    static final long LIVE_COUNT_OFFSET = 12;
    static final long NEXT_OFFSET = 16;
    static final long PREV_OFFSET = 20;
    static final long TAG_OFFSET = 24;
    static final int MAGIC = 0x51AB_F0A6;
    static final int NO_SLOT = -1;
    /**
     * A free slot's link (the next free slot, or {@link #NO_SLOT}) is stored XOR this key. Stale writes most often
     * leave zeros, small numbers or -1 in a slot's first bytes; encoded, these decode to slot numbers far out of
     * range, so the next pop reports them instead of following them.
     */
    static final int LINK_KEY = 0x5A17_C0DE;

    /**
     * Generation words and free-list links. Unaligned only to skip FFM's per-access alignment check: slabs are
     * aligned to their size and both sit at multiples of 4, so every such access is in fact aligned.
     */
    private static final ValueLayout.OfInt WORD = JAVA_INT_UNALIGNED;

    private static final int NONE = -1;
    /** Stands for "some other thread" when asking whether a provider's segment is confined to one thread. */
    private static final Thread ANY_OTHER_THREAD = Thread.ofVirtual().unstarted(() -> { });
    /** Whether this module may call restricted FFM methods: the direct path needs one (see {@link Everything}). */
    private static final boolean NATIVE_ACCESS = SlabEngine.class.getModule().isNativeAccessEnabled();

    /**
     * All native memory as one segment. A {@linkplain #isDirect() direct} engine reads and writes its slabs
     * through it at their addresses: a {@code static final} segment whose bounds, liveness and alignment checks
     * the JIT folds away, so an access costs what an {@code Unsafe} access costs once the handle is validated.
     * Made with a restricted method, so touched only when native access is enabled (else the JDK would warn in
     * every program that uses Slabforge); a holder class, so that loading the engine calls nothing restricted.
     */
    private static final class Everything {
        static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    }

    /**
     * Which stripe a thread allocates from: threads are numbered in the order they first allocate from a striped
     * cache, so that two threads sharing a cache land on different stripes (a hash of the thread id collides).
     */
    private static final class ThreadNumbers {
        private static final AtomicInteger NEXT = new AtomicInteger();
        static final ThreadLocal<Integer> NUMBER = ThreadLocal.withInitial(NEXT::getAndIncrement);
    }

    private final SlabGeometry geometry;
    private final long slabSize;
    private final long slotSize;
    private final long slotsOffset;
    private final int slotsPerSlab;
    private final int slotBits;
    private final long slotMask;
    /** Slabs this engine may hold: its share of the handle space (a stripe has 1/stripes of it). */
    private final int maxSlabs;
    /** Where the slab index starts in a handle, as this engine numbers slabs: see {@link #slabIndex}. */
    private final int indexShift;
    /** A stripe's number, in the low bits of the slab index field of its handles; 0 elsewhere. */
    private final long stripeBits;
    /** log2 of the number of stripes of a striped cache (in the cache and its stripes); 0 elsewhere. */
    private final int stripeShift;
    /**
     * A striped {@link SlabSync#LOCKED} cache's stripes, or null: each a LOCKED engine with its own lock, own
     * slabs and own lists. The striped cache itself holds no slab; it routes allocations to the calling thread's
     * stripe, frees to the stripe that owns the handle's slab, and keeps a copy of its stripes' slab tables
     * ({@link #vias}, {@link #bases} by global slab index) so that field accesses need no routing.
     */
    private final SlabEngine[] stripes;
    /** The striped cache this engine is a stripe of, or null. */
    private final SlabEngine striped;
    private final int tag;
    private final long tagBits;
    private final boolean checked;
    private final Thread owner;
    private final Lock lock;
    private final SlabSync sync;
    private final SlabMemory memory;
    private final long maxBytes;
    private final int reserveSlabs;
    /** The region provider behind {@link #memory}, or null for a custom provider. */
    private final RegionSlabMemory regions;
    /** Whether slabs are accessed through {@link Everything#MEMORY} at their addresses: see {@link #isDirect()}. */
    private final boolean direct;

    /**
     * What each held slab is read and written through, by slab index ({@code null} where none is held; read
     * without lock by field accesses): the provider region the slab was carved from, or, from a custom provider,
     * the slab's own segment. A cache of thousands of slabs has only a few regions, so their segment objects and
     * arena states stay in the CPU cache, where a segment object per slab is a dependent cache miss on every
     * access; and no segment object per slab is kept on the heap (see {@link #slabSegment}).
     */
    private MemorySegment[] vias = new MemorySegment[4];
    /**
     * Where each held slab starts, by slab index: its offset in {@link #vias}, or on a direct engine its address
     * (its offset in {@link Everything#MEMORY}), which is never 0; a direct engine keeps 0 where it holds no slab,
     * so validating a handle there reads this array alone.
     */
    private long[] bases = new long[4];
    // A held slab's state needs no field of its own: the current slab is currentIndex; any other is full (HELD,
    // on no list), PARTIAL or EMPTY by its live count, and on the partial or empty list accordingly.
    private int partialHead = NONE;
    private int emptyHead = NONE;
    private int emptyCount;
    /**
     * Slots of the current slab ever handed out (the lazy-carving bump index); carved - live of them are on its free
     * list. Every other held slab is fully carved: a slab stops being current only when full or given back.
     */
    private int currentCarved;
    /**
     * The current slab's free-list head and live count. While a slab is current these fields, not its header, are
     * authoritative (allocation touches only them); the header gets them back when the slab stops being current
     * and when the cache closes.
     */
    private int currentFreeHead = NO_SLOT;
    private int currentLive;
    /** Indices of slabs given back to the provider, for reuse, and their generation words, restored on reuse. */
    private int[] releasedIndices = new int[0];
    private int[][] releasedGenerations = new int[0][];
    private int releasedCount;
    private int highWater;

    /** What the current slab is accessed through (see {@link #via}), and its offset in that. */
    private MemorySegment current;
    private long currentBase;
    private int currentIndex = NONE;
    /**
     * The handle the last allocation returned, for {@link #allocatedSlab}; 0 once anything was freed since (or the
     * cache closed), so a match proves the handle is still live, and in the current slab, without reading its
     * word. Its slab is not kept in a field of its own: a reference store on every allocation costs a G1 write
     * barrier (a card check, and a StoreLoad fence on its slow path, taken once the engine sits in an old region).
     */
    private long lastAllocated;

    private int heldSlabs;
    private long allocations;
    private long frees;
    private volatile boolean closed;

    // Trailing padding: the JVM lays reference fields out last, in declaration order, so these 16 are the object's
    // final 64 bytes (128 without compressed oops) and its fields share no cache line with the next object in the
    // heap; CacheLinePadding gives the leading side, CacheLinePaddingTest checks both.
    private Object trailingPad01, trailingPad02, trailingPad03, trailingPad04;
    private Object trailingPad05, trailingPad06, trailingPad07, trailingPad08;
    private Object trailingPad09, trailingPad10, trailingPad11, trailingPad12;
    private Object trailingPad13, trailingPad14, trailingPad15, trailingPad16;

    SlabEngine(SlabGeometry geometry, SlabBuilder<?> options) {
        this(geometry, options, null, 0, stripeShiftOf(geometry, options));
    }

    /**
     * A cache ({@code striped} null; striped if {@code stripeShift > 0}) or stripe {@code stripeId} of
     * {@code striped}.
     */
    private SlabEngine(SlabGeometry geometry, SlabBuilder<?> options, SlabEngine striped, int stripeId,
                       int stripeShift) {
        SlabGeometry expected = SlabGeometry.of(geometry.slotSize(), geometry.slotAlignment(), geometry.slabSize());
        if (!expected.equals(geometry)) {
            throw new IllegalArgumentException("geometry " + geometry + " disagrees with this runtime's " + expected);
        }
        this.geometry = geometry;
        this.slabSize = geometry.slabSize();
        this.slotSize = geometry.slotSize();
        this.slotsOffset = geometry.slotsOffset();
        this.slotsPerSlab = geometry.slotsPerSlab();
        this.slotBits = geometry.slotBits();
        this.slotMask = (1L << slotBits) - 1;
        boolean isStripe = striped != null;
        this.striped = striped;
        this.stripeShift = stripeShift;
        this.maxSlabs = 1 << (INDEX_BITS - slotBits - (isStripe ? stripeShift : 0));
        this.indexShift = slotBits + (isStripe ? stripeShift : 0);
        this.stripeBits = (long) stripeId << slotBits;
        this.sync = options.sync;
        this.owner = sync == SlabSync.CONFINED ? Thread.currentThread() : null;
        // A striped cache's own lock guards its slab table copy, the byte budget and the provider calls of all
        // its stripes (taken inside a stripe's lock, never the other way round).
        // A stripe's lock is padded: two stripes' locks and engines share no cache line (see StripeLock).
        this.lock = sync != SlabSync.LOCKED ? null
                : options.lock != null ? options.lock
                : isStripe ? new StripeLock()
                : new ReentrantLock();
        this.checked = options.checked;
        this.memory = options.memory;
        this.maxBytes = options.maxBytes;
        this.reserveSlabs = options.reserveSlabs;
        this.regions = regionsOf(options.memory);
        this.direct = NATIVE_ACCESS && regions != null && sync != SlabSync.LOCKED;
        this.tag = isStripe ? striped.tag : CacheTags.acquire();
        this.tagBits = (long) tag << TAG_SHIFT;
        if (!isStripe && stripeShift > 0) {
            SlabEngine[] all = new SlabEngine[1 << stripeShift];
            for (int stripe = 0; stripe < all.length; stripe++) {
                all[stripe] = new SlabEngine(geometry, options, this, stripe, stripeShift);
            }
            this.stripes = all;
        } else {
            this.stripes = null;
        }
    }

    /** Most stripes a LOCKED cache gets by default. */
    static final int MAX_DEFAULT_STRIPES = 64;
    /** Slabs each stripe must be able to hold at least, for the default stripe count. */
    private static final int MIN_SLABS_PER_STRIPE = 64;

    /**
     * log2 of the stripe count of a cache built with {@code options}: 0 (one lock) unless LOCKED without a lock of
     * the caller's; else {@link SlabBuilder#stripes} or by default the processor count rounded up to a power of
     * two, at most {@link #MAX_DEFAULT_STRIPES} and fewer where the handle space would leave a stripe under
     * {@link #MIN_SLABS_PER_STRIPE} slabs.
     */
    private static int stripeShiftOf(SlabGeometry geometry, SlabBuilder<?> options) {
        int handleSpace = 1 << (INDEX_BITS - geometry.slotBits());
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

    /** The built-in region provider behind {@code memory}, if any: it can name the region of a slab. */
    private static RegionSlabMemory regionsOf(SlabMemory memory) {
        if (memory instanceof RegionSlabMemory regions) {
            return regions;
        }
        return memory instanceof BoundedSlabMemory bounded ? regionsOf(bounded.delegate()) : null;
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
    // Allocation and free

    /**
     * Allocates a zero-filled slot.
     *
     * @return a live handle, never 0
     * @throws SlabOutOfMemoryException when no slot can be had
     * @throws SlabException when the memory provider misbehaves or a free list was found corrupted
     * @throws IllegalStateException after {@link #close()}
     */
    public long allocate() {
        return zero(allocateUninitialized());
    }

    private long zero(long handle) {
        int index = slabIndex(handle);
        MemorySegment slab = direct ? Everything.MEMORY : vias[index];
        long offset = bases[index] + geometry.slotOffset(handle);
        long end = offset + slotSize;
        for (; offset + Long.BYTES <= end; offset += Long.BYTES) {
            slab.set(JAVA_LONG_UNALIGNED, offset, 0L);
        }
        if (offset < end) {
            slab.set(JAVA_INT, offset, 0);
        }
        return handle;
    }

    /**
     * Allocates a zero-filled slot, or returns 0 when out of memory. Cheap when full: no exception is made.
     *
     * @return a live handle, or 0 when no slot can be had
     * @throws SlabException when the memory provider misbehaves or a free list was found corrupted
     * @throws IllegalStateException after {@link #close()}
     */
    public long tryAllocate() {
        long handle = tryAllocateUninitialized();
        return handle == 0 ? 0 : zero(handle);
    }

    /**
     * Allocates a slot whose content is unspecified (the caller writes all of it), or returns 0 when out of
     * memory. Cheap when full: no exception is made.
     *
     * @return a live handle, or 0 when no slot can be had
     * @throws SlabException when the memory provider misbehaves or a free list was found corrupted
     * @throws IllegalStateException after {@link #close()}
     */
    public long tryAllocateUninitialized() {
        if (lock != null) {
            return allocateLocked(true);
        }
        checkThread();
        return allocate0(true);
    }

    /**
     * Allocates a slot whose content is unspecified: the caller must write every byte it will read.
     *
     * @return a live handle, never 0
     * @throws SlabOutOfMemoryException when no slot can be had
     * @throws SlabException when the memory provider misbehaves or a free list was found corrupted
     * @throws IllegalStateException after {@link #close()}
     */
    public long allocateUninitialized() {
        if (lock != null) {
            return allocateLocked(false);
        }
        checkThread();
        return allocate0(false);
    }

    // The public hot methods stay under the JIT's MaxInlineSize (35 bytecodes) so that they inline at every call
    // site, hot or not yet; the lock and every rare case live in separate methods.

    private long allocateLocked(boolean orZero) {
        if (stripes != null) {
            return allocateStriped(orZero);
        }
        lock.lock();
        try {
            return allocate0(orZero);
        } finally {
            lock.unlock();
        }
    }

    /** Takes a slot; out of memory, returns 0 if {@code orZero}, else throws SlabOutOfMemoryException. */
    private long allocate0(boolean orZero) {
        int index = currentIndex;
        int live = currentLive;
        // Fullness from the live count, which only the engine writes: a free-list head or link damaged through a
        // stale segment must not make a slab with free slots look full (the pop below detects and repairs it).
        if (index == NONE || live == slotsPerSlab) {
            return allocateFromNextSlab(orZero);
        }
        int slot = currentFreeHead;
        if (slot == NO_SLOT) {
            slot = carve(index, live);
        }
        MemorySegment slab = direct ? Everything.MEMORY : current;
        long base = currentBase;
        // The head came from a link checked when it was popped, yet a link to itself passes that check: the
        // head's word, which the handle needs anyway, must still be free.
        int word = slab.get(WORD, base + generationOffset(slot));
        if ((word & LIVE) != 0) {
            throw headNotFree(index, slot);
        }
        int link = slab.get(WORD, base + slotsOffset + slot * slotSize) ^ LINK_KEY;
        if (link != NO_SLOT && !isFreeSlot(slab, base, link, currentCarved)) {
            throw badLink(index, slot, link);
        }
        currentFreeHead = link;
        slab.set(WORD, base + generationOffset(slot), word | LIVE);
        currentLive = live + 1;
        allocations++;
        long handle = tagBits | (long) word << GENERATION_SHIFT | (long) index << indexShift | stripeBits | slot;
        lastAllocated = handle;
        return handle;
    }

    /** The current slab is full (or there is none): switch to another and allocate there. */
    private long allocateFromNextSlab(boolean orZero) {
        return switchCurrent(orZero) == null ? 0 : allocate0(orZero);
    }

    /**
     * Lazy carving (the seed's): puts the first never-used slot of the current slab on its empty free list and
     * returns it. Kept out of {@link #allocate0} so that stays small enough for the JIT to inline.
     */
    private int carve(int index, int live) {
        int slot = currentCarved;
        if (slot != live || slot >= slotsPerSlab) {
            throw listEndedEarly(index);
        }
        currentCarved = slot + 1;
        MemorySegment slab = direct ? Everything.MEMORY : current;
        slab.set(WORD, currentBase + slotsOffset + slot * slotSize, NO_SLOT ^ LINK_KEY);
        currentFreeHead = slot;
        return slot;
    }

    private SlabException headNotFree(int index, int slot) {
        return freeListCorrupted(index, "its head " + slot + " is not a free slot");
    }

    private SlabException listEndedEarly(int index) {
        int free = carvedOf(index) - (index == currentIndex ? currentLive : header(index, LIVE_COUNT_OFFSET));
        return freeListCorrupted(index, "the free list ended with " + free + " slots still counted free");
    }

    private SlabException badLink(int index, int slot, int link) {
        return freeListCorrupted(index, "free slot " + slot + " links to " + link
                + ", which is not a free slot (was a freed slot written through a stale segment?)");
    }

    private static boolean isFreeSlot(MemorySegment slab, long base, int slot, int carved) {
        return slot >= 0 && slot < carved && (slab.get(WORD, base + generationOffset(slot)) & LIVE) == 0;
    }

    /** Same as {@link SlabGeometry#generationOffset}, static so the JIT folds it without loading the geometry. */
    private static long generationOffset(int slot) {
        return SlabGeometry.HEADER_FIXED_BYTES + (long) slot * SlabGeometry.GENERATION_WORD_BYTES;
    }

    /** Slots of held slab {@code index} ever handed out: see {@link #currentCarved}. */
    private int carvedOf(int index) {
        return index == currentIndex ? currentCarved : slotsPerSlab;
    }

    /**
     * A header field of slab {@code index}, which the engine holds: list links and counters of slabs other than
     * the one an access already has at hand. Only the engine's own lists name such an index, so it is not checked.
     */
    private int header(int index, long field) {
        return (direct ? Everything.MEMORY : vias[index]).get(WORD, bases[index] + field);
    }

    private void setHeader(int index, long field, int value) {
        (direct ? Everything.MEMORY : vias[index]).set(WORD, bases[index] + field, value);
    }

    /**
     * Rebuilds a slab's free list from its generation words (which the free list cannot damage) and reports
     * the corruption. The cache stays consistent: every free slot is on the new list exactly once.
     */
    private SlabException freeListCorrupted(int index, String what) {
        MemorySegment slab = slabSegment(index);
        int head = NO_SLOT;
        for (int slot = carvedOf(index) - 1; slot >= 0; slot--) {
            if ((slab.get(JAVA_INT, generationOffset(slot)) & LIVE) == 0) {
                slab.set(JAVA_INT, slotsOffset + slot * slotSize, head ^ LINK_KEY);
                head = slot;
            }
        }
        if (index == currentIndex) {
            currentFreeHead = head;
        } else {
            slab.set(JAVA_INT, FREE_HEAD_OFFSET, head);
        }
        return new SlabException("free list of slab " + globalIndex(index) + " was corrupted: " + what
                + "; the list was rebuilt from the generation words and the allocation can be retried");
    }

    /** The current slab is full (or absent): make a partial, empty or new slab current; null if none (orZero). */
    private MemorySegment switchCurrent(boolean orZero) {
        if (closed) {
            throw closedException();
        }
        int index;
        int carved = slotsPerSlab;
        if (partialHead != NONE) {
            index = partialHead;
            unlink(index, false);
        } else if (emptyHead != NONE) {
            index = emptyHead;
            unlink(index, true);
        } else {
            // May throw; the full slab must then stay current: were it taken for full while still current, a free
            // would put it on the partial list as well, and a later switch would pick it again and carve past its
            // end.
            index = acquireSlab(orZero);
            if (index == NONE) {
                return null;
            }
            carved = 0;
        }
        becomeCurrent(index, carved, header(index, FREE_HEAD_OFFSET), header(index, LIVE_COUNT_OFFSET));
        return direct ? Everything.MEMORY : current;
    }

    /**
     * Makes held slab {@code index}, on no list, the current slab, after writing the old one's fields back to its
     * header. A direct engine never reads {@link #current}, so it is not written there: a reference store costs a
     * G1 write barrier.
     */
    private void becomeCurrent(int index, int carved, int freeHead, int live) {
        writeBackCurrent();
        currentIndex = index;
        currentCarved = carved;
        if (!direct) {
            current = vias[index];
        }
        currentBase = bases[index];
        currentFreeHead = freeHead;
        currentLive = live;
    }

    /** Gives the current slab's header back its free-list head and live count (see {@link #currentLive}). */
    private void writeBackCurrent() {
        if (currentIndex != NONE) {
            setHeader(currentIndex, FREE_HEAD_OFFSET, currentFreeHead);
            setHeader(currentIndex, LIVE_COUNT_OFFSET, currentLive);
        }
    }

    /**
     * Frees a live handle: the slot goes back on its slab's free list and its generation is bumped, so the handle
     * and every copy of it are stale from now on.
     *
     * @param handle a live handle of this cache
     * @throws InvalidHandleException if it is not one (stale, already freed, another cache's, malformed)
     * @throws SlabException if giving an emptied slab back to the provider failed (the slot is freed regardless)
     * @throws IllegalStateException after {@link #close()}
     */
    public void free(long handle) {
        if (lock != null) {
            freeLocked(handle);
            return;
        }
        checkThread();
        free0(handle);
    }

    private void freeLocked(long handle) {
        if (stripes != null) {
            stripeOf(handle).freeLocked(handle);
            return;
        }
        lock.lock();
        try {
            free0(handle);
        } finally {
            lock.unlock();
        }
    }

    private void free0(long handle) {
        int index = slabIndex(handle);
        int slot = (int) (handle & slotMask);
        MemorySegment slab;
        if ((handle & TAG_MASK) != tagBits || slot >= slotsPerSlab || (slab = heldVia(index)) == null) {
            throw invalid(handle);
        }
        long base = bases[index];
        long generationOffset = base + generationOffset(slot);
        // One read of the word both validates the handle and gives the generation to bump.
        int word;
        if ((word = slab.get(WORD, generationOffset)) != liveWord(handle)) {
            throw invalid(handle);
        }
        lastAllocated = 0;
        frees++;
        slab.set(WORD, generationOffset, (word + 1) & GENERATION_MASK);
        if (index != currentIndex) {
            freeInOtherSlab(slab, base, index, slot);
        } else {
            slab.set(WORD, base + slotsOffset + slot * slotSize, currentFreeHead ^ LINK_KEY);
            currentFreeHead = slot;
            if (--currentLive == 0) {
                slabFreed(index, 0);
            }
        }
    }

    /** The rest of a free in a slab that is not the current one: its header holds its free list and count. */
    private void freeInOtherSlab(MemorySegment slab, long base, int index, int slot) {
        slab.set(WORD, base + slotsOffset + slot * slotSize, slab.get(WORD, base + FREE_HEAD_OFFSET) ^ LINK_KEY);
        int live = slab.get(WORD, base + LIVE_COUNT_OFFSET) - 1;
        if (live == slotsPerSlab - 1 && live > 0 && (currentIndex == NONE || currentLive == slotsPerSlab)) {
            // A full slab got its first free slot (and is not empty, as a one-slot slab would be: slabFreed handles
            // that) while the current slab is full or absent. The next allocation would switch to it anyway, as the
            // head of the partial list it is about to join; switching now spares that push and pop and keeps the
            // allocation on its fast path. Churn over many slabs is this case on nearly every free. The header gets
            // its free-list head and live count back when the slab stops being current.
            becomeCurrent(index, slotsPerSlab, slot, live);
            return;
        }
        slab.set(WORD, base + FREE_HEAD_OFFSET, slot);
        slab.set(WORD, base + LIVE_COUNT_OFFSET, live);
        slabFreed(index, live);
    }

    /** After a free that may change the slab's state: it left the full state or became empty. */
    private void slabFreed(int index, int live) {
        if (index == currentIndex) {
            if (live == 0 && emptyCount + 1 > reserveSlabs) {
                current = null;
                currentBase = 0;
                currentIndex = NONE;
                releaseSlab(index);
            }
        } else if (live == 0) {
            if (slotsPerSlab > 1) {
                unlink(index, false); // it had 1 of more slots live: partial
            }
            if (emptyCount + (currentIndex != NONE && currentLive == 0 ? 1 : 0)
                    < reserveSlabs) {
                push(index, true);
            } else {
                releaseSlab(index);
            }
        } else if (live == slotsPerSlab - 1) {
            push(index, false); // it was full
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Handle validation and field access

    /** The handle's slab index as this engine numbers its slabs (a stripe: without the stripe's bits). */
    private int slabIndex(long handle) {
        return (int) ((handle & INDEX_MASK) >>> indexShift);
    }

    /** The slab index a handle of slab {@code index} of this engine carries: the cache-wide one. */
    private int globalIndex(int index) {
        return striped == null ? index : index << stripeShift | (int) (stripeBits >>> slotBits);
    }

    /**
     * The segment to access a handle's slot through, after the checks this cache was built with: the calling
     * thread (if {@link SlabSync#CONFINED}) and, if checked, the cache tag and generation. The slot is at
     * {@link #slotOffset(long) slotOffset(handle)} in it. This is what every generated field accessor calls:
     * <pre>{@code
     * double x = engine.slabOf(h).get(ValueLayout.JAVA_DOUBLE, engine.slotOffset(h) + X_OFFSET);
     * }</pre>
     * With {@link SlabMemory#ofArena()} the segment is the provider region the slab was carved from, shared with
     * other slabs (and other caches); with another provider it is the slab's own segment. Use it for the access
     * at hand only, at offsets within the slot: {@link #segment(long)} gives a segment of just the slot, to keep
     * or pass on.
     *
     * @param handle a live handle of this cache
     * @return the segment to read and write the slot through
     * @throws InvalidHandleException if the handle is not live here (checked caches; an unchecked cache still
     *     rejects handles outside its slabs)
     * @throws IllegalStateException after {@link #close()}
     * @throws WrongThreadException on a confined cache used from another thread
     */
    public MemorySegment slabOf(long handle) {
        if (owner != null && Thread.currentThread() != owner) {
            throw wrongThread();
        }
        int index = slabIndex(handle);
        int slot = (int) (handle & slotMask);
        // The slot range is checked even unchecked: the region segment would let a wild slot reach other slabs.
        if (slot < slotsPerSlab) {
            MemorySegment slab = heldVia(index);
            if (slab != null && (!checked || (handle & TAG_MASK) == tagBits
                    && slab.get(WORD, bases[index] + generationOffset(slot)) == liveWord(handle))) {
                return slab;
            }
        }
        throw invalid(handle);
    }

    /**
     * Where a handle's slot starts in the segment {@link #slabOf} returned for it. Call it after {@code slabOf}
     * (or {@link #allocatedSlab}) on the same handle: it does not validate the handle itself.
     *
     * @param handle a handle {@code slabOf} accepted
     * @return the slot's offset in that segment
     */
    public long slotOffset(long handle) {
        return bases[slabIndex(handle)] + slotsOffset + (handle & slotMask) * slotSize;
    }

    /**
     * Whether this engine accesses its slabs at their addresses through one segment spanning all native memory,
     * which the JIT treats as a constant, rather than through their regions' segments. It is the fast path (see
     * README, Performance) and is taken when all of these hold:
     * <ul>
     *   <li>the runtime module has native access ({@code --enable-native-access=io.slabforge} on the module
     *       path, {@code =ALL-UNNAMED} on the class path): making that segment is a restricted operation;</li>
     *   <li>the memory provider is {@link SlabMemory#ofArena()}, possibly {@linkplain SlabMemory#bounded
     *       bounded}, which unmaps memory only after the cache gave it back (a custom provider might close a
     *       slab's arena under the cache, which its segment reports as {@link IllegalStateException});</li>
     *   <li>the cache is not {@link SlabSync#LOCKED}: there field accesses run without the lock while another
     *       thread may give an emptied slab back, and only a region's segment (whose arena closes with a thread
     *       handshake) turns such a late access into an exception instead of a fault.</li>
     * </ul>
     * Handle validation is the same either way. A {@link SlabSync#NONE} cache used by two threads at once (a
     * data race its contract forbids) can, on the direct path, touch memory the other thread just gave back.
     *
     * @return {@code true} on the direct path
     */
    public boolean isDirect() {
        return direct;
    }

    /**
     * {@link #slabOf} for a handle just returned by {@link #allocateUninitialized()} or {@link #allocate()}:
     * generated {@code allocate(value)} writes the new slot through it. If {@code handle} is the one the last
     * allocation returned and nothing was freed since, it is live by construction and its slab is known, so the
     * generation word is not read again; any other handle (and every handle on a {@link SlabSync#LOCKED} cache,
     * where another thread may have allocated since) gets the full {@link #slabOf} checks.
     *
     * @param handle a live handle of this cache, normally the one the last allocation returned
     * @return the segment to access the slot through, as {@link #slabOf} returns; the slot is at
     *     {@link #slotOffset(long) slotOffset(handle)}
     * @throws InvalidHandleException as {@link #slabOf} does
     */
    public MemorySegment allocatedSlab(long handle) {
        if (handle == lastAllocated && lock == null && handle != 0) {
            checkThread();
            return direct ? Everything.MEMORY : current;
        }
        return slabOf(handle);
    }

    /**
     * What held slab {@code index} is accessed through, or {@code null} if no slab is held there; {@link #vias}
     * is read once, as lock-free readers of a LOCKED cache race releases and close. On a direct engine this is
     * {@link Everything#MEMORY}: the same memory, but a constant whose checks the JIT folds; held is then a
     * nonzero {@link #bases} entry (one array instead of two). {@link #bases} never shrinks, so
     * {@code bases[index]} exists for every index this accepts.
     */
    private MemorySegment heldVia(int index) {
        if (direct) {
            long[] starts = bases;
            return index < starts.length && starts[index] != 0 ? Everything.MEMORY : null;
        }
        MemorySegment[] through = vias;
        return index < through.length && index < bases.length ? through[index] : null;
    }

    /**
     * A held slab's own segment, made when needed (header writes, giving it back): the provider's segment
     * itself, or an equal slice of the region it was carved from, which the region provider takes back alike.
     */
    private MemorySegment slabSegment(int index) {
        return slabSegment(vias[index], index);
    }

    /** {@link #slabSegment(int)} given the {@link #vias} entry read already (once, by a lock-free reader). */
    private MemorySegment slabSegment(MemorySegment via, int index) {
        if (via == null) {
            return null;
        }
        return via.byteSize() == slabSize ? via : via.asSlice(offsetIn(via, index), slabSize);
    }

    /** Where slab {@code index} starts in its {@link #vias} segment. */
    private long offsetIn(MemorySegment via, int index) {
        return direct ? bases[index] - via.address() : bases[index];
    }

    private static int liveWord(long handle) {
        return (int) (handle >>> GENERATION_SHIFT) & GENERATION_MASK | LIVE;
    }

    /** Full validation regardless of {@code checked}. */
    private boolean isLiveHandle(long handle) {
        int index = slabIndex(handle);
        int slot = (int) (handle & slotMask);
        MemorySegment slab;
        return (handle & TAG_MASK) == tagBits && slot < slotsPerSlab && (slab = heldVia(index)) != null
                && slab.get(WORD, bases[index] + generationOffset(slot)) == liveWord(handle);
    }

    /**
     * Whether {@code handle} is a live handle of this cache. Never throws for any long value (a confined cache
     * used from another thread still throws {@link WrongThreadException}).
     *
     * @param handle any long
     * @return {@code true} if it names a currently allocated slot of this cache
     */
    public boolean isLive(long handle) {
        checkThread();
        return !closed && isLiveHandle(handle);
    }

    /**
     * The slot of a live handle as a segment of exactly {@code slotSize} bytes, for native calls and bulk copies.
     * Always validated, even on an unchecked cache. The segment stays usable after the slot is freed (it is
     * memory of the slab); writing through it then is a bug that the next allocation from that slab detects as
     * a corrupted free list where it can.
     *
     * @param handle a live handle of this cache
     * @return the slot's memory
     */
    public MemorySegment segment(long handle) {
        checkThread();
        if (!isLiveHandle(handle)) {
            throw invalid(handle);
        }
        int index = slabIndex(handle);
        MemorySegment[] through = vias;
        MemorySegment via = index < through.length ? through[index] : null; // a LOCKED release may have raced
        if (via == null) {
            throw invalid(handle);
        }
        return via.asSlice(offsetIn(via, index) + geometry.slotOffset(handle), slotSize);
    }

    /**
     * The geometry of this engine's slabs.
     *
     * @return the geometry
     */
    public SlabGeometry geometry() {
        return geometry;
    }

    /**
     * Whether field accesses validate handles.
     *
     * @return {@code true} unless built with {@code checked(false)}
     */
    public boolean isChecked() {
        return checked;
    }

    /**
     * The synchronisation mode.
     *
     * @return the mode this engine was built with
     */
    public SlabSync sync() {
        return sync;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Iteration, statistics, close

    /**
     * Calls {@code action} with every live handle, slab by slab. The action may free the handle it is given;
     * slots allocated during the walk may or may not be visited. On a {@link SlabSync#LOCKED} cache the walk
     * holds the lock (the default locks are reentrant: the action may allocate and free from the same
     * thread).
     *
     * @param action what to do with each live handle
     */
    public void forEach(LongConsumer action) {
        if (stripes != null) {
            forEachStriped(action);
            return;
        }
        if (lock != null) {
            lock.lock();
            try {
                forEach0(action);
            } finally {
                lock.unlock();
            }
            return;
        }
        checkThread();
        forEach0(action);
    }

    private void forEach0(LongConsumer action) {
        checkOpen();
        // Slab and carve count are re-read per slot: the action may free (releasing a slab), allocate, or close.
        for (int index = 0; index < highWater; index++) {
            for (int slot = 0; ; slot++) {
                if (closed) {
                    return;
                }
                MemorySegment slab = vias[index];
                if (slab == null || slot >= carvedOf(index)) {
                    break;
                }
                int word = (direct ? Everything.MEMORY : slab).get(WORD, bases[index] + generationOffset(slot));
                if ((word & LIVE) != 0) {
                    action.accept(tagBits | (long) (word & GENERATION_MASK) << GENERATION_SHIFT
                            | (long) index << indexShift | stripeBits | slot);
                }
            }
        }
    }

    /**
     * Live objects right now; 0 once closed.
     *
     * @return the number of allocated slots
     */
    public long liveCount() {
        if (stripes != null) {
            return stats().liveObjects();
        }
        if (lock != null) {
            lock.lock();
            try {
                return live();
            } finally {
                lock.unlock();
            }
        }
        checkThread();
        return live();
    }

    /**
     * A consistent snapshot of occupancy and activity. Once closed, the cache holds no slabs and no live objects;
     * the allocation and free counts stay as they were.
     *
     * @return the statistics
     */
    public SlabStats stats() {
        if (stripes != null) {
            return statsStriped();
        }
        if (lock != null) {
            lock.lock();
            try {
                return stats0();
            } finally {
                lock.unlock();
            }
        }
        checkThread();
        return stats0();
    }

    private SlabStats stats0() {
        long capacity = (long) heldSlabs * slotsPerSlab;
        long live = live();
        return new SlabStats(heldSlabs, slotSize, slotsPerSlab, live, capacity, heldSlabs * slabSize,
                live * slotSize, (capacity - live) * slotSize, allocations, frees);
    }

    /**
     * Live objects of this engine: no counter of its own, which would be one more read-modify-write on every
     * allocation and free. A stripe frees only its own slots, so the difference holds per stripe too.
     */
    private long live() {
        return closed ? 0 : allocations - frees;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Gives every slab back to the provider; every handle becomes invalid. A second call does nothing; any other
     * use afterwards throws {@link IllegalStateException}.
     *
     * @throws SlabException if the provider failed to take a slab back (all other slabs are still returned)
     */
    @Override
    public void close() {
        if (stripes != null) {
            closeStriped();
            return;
        }
        if (lock != null) {
            lock.lock();
            try {
                close0();
            } finally {
                lock.unlock();
            }
            return;
        }
        checkThread();
        close0();
    }

    private void close0() {
        SlabException failure = close1();
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes this engine (a stripe: its part of the cache); what the provider threw, or null. */
    private SlabException close1() {
        if (closed) {
            return null;
        }
        closed = true;
        lastAllocated = 0;
        writeBackCurrent();
        MemorySegment[] held = new MemorySegment[highWater];
        for (int index = 0; index < highWater; index++) {
            held[index] = slabSegment(index);
        }
        // bases keeps its length: a LOCKED field access that raced with close and passed slabOf still finds it.
        vias = new MemorySegment[0];
        if (direct) {
            Arrays.fill(bases, 0);
        }
        releasedGenerations = new int[0][];
        releasedIndices = new int[0];
        releasedCount = 0;
        current = null;
        currentBase = 0;
        currentIndex = NONE;
        if (striped == null) {
            CacheTags.release(tag);
            return giveBack(held);
        }
        striped.lock.lock();
        try {
            return giveBack(held);
        } finally {
            striped.lock.unlock();
        }
    }

    /** Gives the slabs of a closing engine back to the provider; the first failure, or null. */
    private SlabException giveBack(MemorySegment[] held) {
        SlabException failure = null;
        for (int index = 0; index < highWater; index++) {
            if (held[index] != null) {
                try {
                    memory.free(held[index]);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = providerFailed("free", e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        heldSlabs = 0;
        return failure;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Striped LOCKED caches: the cache routes to its stripes (see docs/ARCHITECTURE.md, "Lock discipline")

    /** How many stripes this cache has: 1 unless it is a striped {@link SlabSync#LOCKED} cache. */
    int stripeCount() {
        return stripes == null ? 1 : stripes.length;
    }

    /** The stripe that owns a handle's slab: the low bits of its slab index. */
    private SlabEngine stripeOf(long handle) {
        return stripes[(int) (handle >>> slotBits) & (stripes.length - 1)];
    }

    /**
     * Allocates from the calling thread's stripe; if that has no slot and can get no slab (its share of the handle
     * space, or the cache's {@code maxBytes}), from the others in turn, so a striped cache runs out of memory
     * only when an unstriped one would.
     */
    private long allocateStriped(boolean orZero) {
        SlabEngine[] all = stripes;
        int mask = all.length - 1;
        int home = ThreadNumbers.NUMBER.get() & mask;
        long handle = all[home].allocateLocked(true);
        for (int i = 1; handle == 0 && i < all.length; i++) {
            handle = all[(home + i) & mask].allocateLocked(true);
        }
        // Out of memory everywhere: ask the home stripe once more, to throw its reason (or succeed, if a slot
        // was freed meanwhile).
        return handle != 0 || orZero ? handle : all[home].allocateLocked(false);
    }

    /** Records a stripe's new slab in this cache's copy of the slab table; under {@link #lock}. */
    private void publish(int index, MemorySegment via, long base) {
        if (index >= vias.length) {
            int length = Math.max(index + 1, vias.length + Math.max(4, vias.length >> 2));
            bases = Arrays.copyOf(bases, length);
            vias = Arrays.copyOf(vias, length);
        }
        // The base first: a reader that finds the slab held then finds its base.
        bases[index] = base;
        vias[index] = via;
    }

    /** Takes every stripe's lock, in stripe order (the one order all multi-stripe operations use). */
    private void lockStripes() {
        for (SlabEngine stripe : stripes) {
            stripe.lock.lock();
        }
    }

    private void unlockStripes() {
        for (int stripe = stripes.length - 1; stripe >= 0; stripe--) {
            stripes[stripe].lock.unlock();
        }
    }

    private void forEachStriped(LongConsumer action) {
        lockStripes();
        try {
            checkOpen();
            for (SlabEngine stripe : stripes) {
                stripe.forEach0(action);
            }
        } finally {
            unlockStripes();
        }
    }

    /** The sum over all stripes, taken with every stripe locked: a consistent snapshot. */
    private SlabStats statsStriped() {
        long slabs = 0;
        long live = 0;
        long allocated = 0;
        long freed = 0;
        lockStripes();
        try {
            for (SlabEngine stripe : stripes) {
                slabs += stripe.heldSlabs;
                live += stripe.live();
                allocated += stripe.allocations;
                freed += stripe.frees;
            }
        } finally {
            unlockStripes();
        }
        long capacity = slabs * slotsPerSlab;
        return new SlabStats(slabs, slotSize, slotsPerSlab, live, capacity, slabs * slabSize, live * slotSize,
                (capacity - live) * slotSize, allocated, freed);
    }

    private void closeStriped() {
        SlabException failure = null;
        lockStripes();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // bases keeps its length, as in close0: a field access that raced with close still finds it.
            vias = new MemorySegment[0];
            for (SlabEngine stripe : stripes) {
                SlabException e = stripe.close1();
                if (e != null && failure == null) {
                    failure = e;
                } else if (e != null) {
                    failure.addSuppressed(e);
                }
            }
            heldSlabs = 0;
            CacheTags.release(tag);
        } finally {
            unlockStripes();
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Slabs from and to the provider

    /** A new slab's index, or NONE when out of memory and {@code orZero}. */
    private int acquireSlab(boolean orZero) {
        if (striped == null) {
            return acquireSlab0(orZero);
        }
        // The byte budget, the provider and the slab table copy are the striped cache's, shared by its stripes.
        striped.lock.lock();
        try {
            return acquireSlab0(orZero);
        } finally {
            striped.lock.unlock();
        }
    }

    private int acquireSlab0(boolean orZero) {
        if (releasedCount == 0 && highWater >= maxSlabs) {
            if (orZero) {
                return NONE;
            }
            int cacheSlabs = maxSlabs << (striped != null ? stripeShift : 0);
            throw new SlabOutOfMemoryException("handle space exhausted: a cache of " + slotsPerSlab
                    + "-slot slabs holds at most " + cacheSlabs + " slabs (" + (long) cacheSlabs * slotsPerSlab
                    + " objects" + (striped != null ? ", " + maxSlabs + " slabs per stripe" : "")
                    + "); use a larger slabSize for more");
        }
        int held = striped != null ? striped.heldSlabs : heldSlabs;
        if ((long) (held + 1) * slabSize > maxBytes) {
            if (orZero) {
                return NONE;
            }
            throw new SlabOutOfMemoryException("maxBytes " + maxBytes + " reached: " + held + " slabs of "
                    + slabSize + " bytes held" + (striped != null ? "" : " (" + live() + " live objects)"));
        }
        MemorySegment slab;
        try {
            slab = memory.allocate(slabSize, slabSize);
        } catch (OutOfMemoryError e) {
            if (orZero) {
                return NONE;
            }
            throw new SlabOutOfMemoryException("memory provider " + memory + " ran out of memory", e);
        } catch (RuntimeException e) {
            throw providerFailed("allocate", e);
        }
        if (slab == null) {
            if (orZero) {
                return NONE;
            }
            throw new SlabOutOfMemoryException("memory provider " + memory + " has no memory left for a "
                    + slabSize + "-byte slab (" + heldSlabs + " slabs held, " + live() + " live objects)");
        }
        String fault = faultOf(slab);
        if (fault != null) {
            SlabException e = new SlabException("memory provider " + memory + " returned a bad slab: " + fault
                    + "; the cache is unchanged");
            try {
                memory.free(slab);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        int[] generations = null;
        int index;
        if (releasedCount > 0) {
            index = releasedIndices[--releasedCount];
            generations = releasedGenerations[releasedCount];
            releasedGenerations[releasedCount] = null;
        } else {
            index = highWater++;
        }
        ensureCapacity(index + 1);
        initialiseHeader(slab, index, generations);
        MemorySegment region = regions == null ? null : regions.regionOf(slab);
        MemorySegment via = region != null ? region : slab;
        vias[index] = via;
        bases[index] = direct ? slab.address() : slab.address() - via.address();
        heldSlabs++;
        if (striped != null) {
            striped.heldSlabs++;
            striped.publish(globalIndex(index), via, bases[index]);
        }
        return index;
    }

    private String faultOf(MemorySegment slab) {
        if (!slab.scope().isAlive()) {
            return "its segment is already closed";
        }
        if (!slab.isNative()) {
            return "a heap segment, not native memory";
        }
        if (slab.isReadOnly()) {
            return "a read-only segment";
        }
        if (!slab.isAccessibleBy(owner != null ? owner : ANY_OTHER_THREAD)) {
            return "a segment confined to another thread (a confined arena's), but "
                    + (owner != null ? "this cache belongs to thread " + owner.getName()
                                     : "this " + sync + " cache may be used by any thread");
        }
        if (slab.byteSize() != slabSize) {
            return slab.byteSize() + " bytes instead of " + slabSize;
        }
        if (slab.address() % slabSize != 0) {
            return "address 0x" + Long.toHexString(slab.address()) + " is not aligned to " + slabSize;
        }
        return null;
    }

    /** Writes a new slab's header; {@code generations} are those it had when its index was last given back. */
    private void initialiseHeader(MemorySegment slab, int index, int[] generations) {
        slab.set(JAVA_INT, MAGIC_OFFSET, MAGIC);
        slab.set(JAVA_INT, INDEX_OFFSET, globalIndex(index));
        slab.set(JAVA_INT, FREE_HEAD_OFFSET, NO_SLOT);
        slab.set(JAVA_INT, LIVE_COUNT_OFFSET, 0);
        slab.set(JAVA_INT, NEXT_OFFSET, NONE);
        slab.set(JAVA_INT, PREV_OFFSET, NONE);
        slab.set(JAVA_INT, TAG_OFFSET, tag);
        if (generations != null) {
            MemorySegment.copy(generations, 0, slab, JAVA_INT, generationOffset(0), slotsPerSlab);
        } else {
            int start = ThreadLocalRandom.current().nextInt() & GENERATION_MASK;
            for (int slot = 0; slot < slotsPerSlab; slot++) {
                slab.set(JAVA_INT, generationOffset(slot), start);
            }
        }
    }

    private void releaseSlab(int index) {
        if (striped == null) {
            releaseSlab0(index);
            return;
        }
        striped.lock.lock();
        try {
            releaseSlab0(index);
        } finally {
            striped.lock.unlock();
        }
    }

    private void releaseSlab0(int index) {
        MemorySegment slab = slabSegment(index);
        int[] generations = new int[slotsPerSlab];
        MemorySegment.copy(slab, JAVA_INT, generationOffset(0), generations, 0, slotsPerSlab);
        if (releasedCount == releasedIndices.length) {
            int length = releasedCount + Math.max(4, releasedCount >> 1);
            releasedIndices = Arrays.copyOf(releasedIndices, length);
            releasedGenerations = Arrays.copyOf(releasedGenerations, length);
        }
        releasedIndices[releasedCount] = index;
        releasedGenerations[releasedCount++] = generations;
        // bases[index] stays: a LOCKED field access racing with this release then still lands in this slab. A
        // direct engine (never LOCKED) marks the index free there.
        vias[index] = null;
        if (direct) {
            bases[index] = 0;
        }
        heldSlabs--;
        if (striped != null) {
            striped.heldSlabs--;
            striped.vias[globalIndex(index)] = null;
        }
        try {
            memory.free(slab);
        } catch (RuntimeException e) {
            throw providerFailed("free", e);
        }
    }

    private SlabException providerFailed(String call, RuntimeException e) {
        return new SlabException("memory provider " + memory + " threw from " + call + ": " + e
                + "; the cache is consistent", e);
    }

    private void ensureCapacity(int slabCount) {
        if (slabCount > vias.length) {
            // Grow by a quarter, not double: these two are the cache's only heap per slab (see ARCHITECTURE.md).
            int length = Math.max(slabCount, vias.length + Math.max(4, vias.length >> 2));
            vias = Arrays.copyOf(vias, length);
            bases = Arrays.copyOf(bases, length);
        }
    }

    /** Pushes a slab that is not current on the empty list, or else on the partial list. */
    private void push(int index, boolean empty) {
        int head = empty ? emptyHead : partialHead;
        setHeader(index, PREV_OFFSET, NONE);
        setHeader(index, NEXT_OFFSET, head);
        if (head != NONE) {
            setHeader(head, PREV_OFFSET, index);
        }
        if (empty) {
            emptyHead = index;
            emptyCount++;
        } else {
            partialHead = index;
        }
    }

    /** Takes a slab off the empty list, or else off the partial list. */
    private void unlink(int index, boolean empty) {
        int before = header(index, PREV_OFFSET);
        int after = header(index, NEXT_OFFSET);
        if (after != NONE) {
            setHeader(after, PREV_OFFSET, before);
        }
        if (before != NONE) {
            setHeader(before, NEXT_OFFSET, after);
        } else if (empty) {
            emptyHead = after;
        } else {
            partialHead = after;
        }
        if (empty) {
            emptyCount--;
        }
    }

    /**
     * Frees a handle unless the cache is closed, atomically with respect to {@link #close()} on a locked cache:
     * {@link SlabBox#close()}, which must be a no-op once its cache is closed, even when the two race.
     */
    void freeUnlessClosed(long handle) {
        if (stripes != null) {
            stripeOf(handle).freeUnlessClosed(handle);
            return;
        }
        if (lock != null) {
            lock.lock();
            try {
                if (!closed) {
                    free0(handle);
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        checkThread();
        if (!closed) {
            free0(handle);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors

    /**
     * Throws {@link WrongThreadException} if this is a confined cache and the caller is not its owner.
     */
    public void checkThread() {
        if (owner != null && Thread.currentThread() != owner) {
            throw wrongThread();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private WrongThreadException wrongThread() {
        return new WrongThreadException("this cache is confined to thread " + owner.getName()
                + "; build it with sync(SlabSync.LOCKED) to share it, not use it from "
                + Thread.currentThread().getName());
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("the cache is closed");
    }

    private RuntimeException invalid(long handle) {
        if (closed) {
            return closedException();
        }
        String why;
        if (handle == 0) {
            why = "0 is never a handle (a closed box, or an unset field?)";
        } else if ((handle & TAG_MASK) != tagBits) {
            why = "it belongs to another cache (tag " + (handle >>> TAG_SHIFT) + ", this cache is " + tag + ")";
        } else {
            int index = slabIndex(handle);
            int slot = (int) (handle & slotMask);
            MemorySegment[] all = vias;
            MemorySegment via = index < all.length ? all[index] : null; // read once: LOCKED readers race releases
            if (via == null) {
                why = "slab " + globalIndex(index) + " is not held by this cache";
            } else if (slot >= slotsPerSlab) {
                why = "slot " + slot + " is beyond the " + slotsPerSlab + " slots of a slab";
            } else {
                int word = slabSegment(via, index).get(JAVA_INT, generationOffset(slot));
                int generation = (int) (handle >>> GENERATION_SHIFT) & GENERATION_MASK;
                if ((word & LIVE) == 0 && (word & GENERATION_MASK) == ((generation + 1) & GENERATION_MASK)) {
                    why = "it was freed (use after free or double free)";
                } else if ((word & LIVE) == 0) {
                    why = "the slot is free (stale handle, generation " + generation + ")";
                } else {
                    why = "stale generation " + generation + ": the slot was reused (now generation "
                            + (word & GENERATION_MASK) + ")";
                }
            }
        }
        return new InvalidHandleException("invalid handle 0x" + Long.toHexString(handle) + ": " + why);
    }

    @Override
    public String toString() {
        return "SlabEngine[tag=" + tag + ", " + geometry + ", sync=" + sync + ", checked=" + checked + "]";
    }
}
