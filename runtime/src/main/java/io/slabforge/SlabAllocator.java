package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.slabforge.internal.HandleFormat;
import io.slabforge.internal.ProviderChecks;
import io.slabforge.internal.SlabEngine;
import io.slabforge.internal.SlabGeometry;
import io.slabforge.internal.SlabPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A general-purpose {@link SegmentAllocator} with {@link #free}: size classes, each a slab cache, plus a large-block
 * path: a size-class heap, as in slab allocators such as slabmalloc and slab_allocator, over FFM memory.
 *
 * <pre>{@code
 * try (SlabAllocator allocator = SlabAllocator.create()) {
 *     MemorySegment name = allocator.allocateFrom("slabforge");          // any SegmentAllocator API works
 *     MemorySegment point = allocator.allocate(POINT_LAYOUT);
 *     ...
 *     allocator.free(name);                                               // blocks go back one by one
 *     allocator.free(point);
 * }                                                                       // or all at once on close
 * }</pre>
 *
 * <h2>Size classes</h2>
 * By default the classes are the powers of two from 16 to 4096 bytes ({@link Builder#sizeClasses} configures
 * them). A request is served by the smallest class that is at least {@code byteSize} bytes and whose blocks are
 * aligned to at least {@code byteAlignment}: a class's blocks are aligned to the largest power of two dividing its
 * size, so a power-of-two class honours every alignment up to its size. Each class is one {@code io.slabforge.internal.SlabEngine} whose
 * slabs hold about 64 blocks or more (64 KiB slabs for classes up to 1 KiB, larger ones above); it keeps up to
 * {@link Builder#reserveSlabs} empty slabs (default 1) for reuse and gives further emptied slabs back to the
 * provider at once. The returned segment is exactly {@code byteSize} bytes long; {@link #usableSize} tells which
 * block size it costs.
 *
 * <h2>Large blocks</h2>
 * A request above the largest class, or with an alignment no class honours, is a large block. Up to
 * {@value #REGION_BYTES} bytes it is a power-of-two block (at least 4 KiB, aligned to its size) of a buddy region:
 * {@value #REGION_BYTES} bytes taken from the memory provider in one piece, split and merged buddy-style, so that
 * mixed large sizes share a few regions and a block costs no provider call. A region goes back to the provider when
 * its last block is freed, except one empty region kept for reuse. Above that a request gets a huge block of its
 * own from the provider, rounded up to a multiple of a quarter power of two (at most 25 % over); so does a
 * smaller request when the provider has no whole region left but can still give the block alone. Up to
 * {@value #RETAINED_HUGE_BLOCKS} freed huge blocks of at most {@value #RETAINED_MAX_HUGE_BYTES} bytes are kept for
 * reuse. Any alignment is honoured.
 *
 * <h2>Memory kept for reuse</h2>
 * The kept empty slabs, the empty region and the retained huge blocks are given back by {@link #trim()}, and before
 * any request fails for lack of memory (a class whose provider or {@code maxBytes} is exhausted takes the memory
 * other classes keep).
 *
 * <h2>Zero-filling</h2>
 * By default {@code allocate} zero-fills the {@code byteSize} bytes it returns, as {@code Arena.allocate} and
 * {@code calloc} do, and nothing more: the rest of the block cannot be reached through the segment. With native
 * access ({@code --enable-native-access}) it calls the C library's {@code memset}, which on mixed sizes zeroes in
 * about two thirds of the time of the bulk copy it uses otherwise. {@link Builder#zeroFill zeroFill(false)} skips
 * it, as {@code malloc} does: a reused block then holds what its previous owner wrote.
 *
 * <h2>Freeing, and what is detected</h2>
 * {@link #free} takes the segment {@code allocate} returned (or any segment with the same address and size). It
 * finds the slab, region or huge block by address (hash lookups on the 64 KiB granule and the 4 MiB region of the
 * address: slabs and regions are aligned to their size), and throws {@link InvalidHandleException}, changing
 * nothing, for: a heap segment; memory this allocator does not hold; an address inside a block or inside a slab
 * header (a slice); a segment shorter or longer than the block was allocated (a slice at offset 0); a block that is
 * not allocated (a double free). The slab's own bookkeeping decides: the block's generation word must say it is
 * live, and the handle rebuilt from it is validated again by the slab engine. What cannot be detected: freeing a
 * <em>stale</em> copy of a segment whose block was freed and then handed out again at the same address with the
 * same size frees the new owner's block, as it would with {@code malloc}/{@code free}. After a block is freed its
 * segment stays accessible (it is a slice of a slab or region that may still be held); writing through it is a
 * use-after-free that the slab engine reports as a corrupted free list where it can.
 *
 * <h2>Statistics</h2>
 * {@link #stats()} is exact after every call: per class, for the large blocks and in total, {@code usedBytes} is the
 * sum of {@link #usableSize} over the live blocks and {@code availableBytes == totalBytes - usedBytes}.
 *
 * <h2>Threads</h2>
 * {@link SlabSync#CONFINED} (the default): only the building thread may call it, others get
 * {@link WrongThreadException}. {@link SlabSync#LOCKED}: any thread; one lock guards the whole allocator (every
 * class and the large path), so a block may be freed by another thread than the one that allocated it.
 * {@link SlabSync#NONE}: no checks. {@link #global()} is a lazily created {@code LOCKED} instance.
 *
 * <h2>Limits</h2>
 * Every size class is an open slab cache and holds one of the 4095 cache tags until
 * {@link #close()}; close allocators you no longer need. Segments handed out must not be used after
 * {@code close()}: their memory goes back to the provider.
 */
public final class SlabAllocator implements SegmentAllocator, AutoCloseable {

    /** Largest size class a builder accepts. */
    public static final long MAX_SIZE_CLASS = 256 << 10;
    /** Most size classes a builder accepts. */
    public static final int MAX_SIZE_CLASSES = 64;
    /** Largest request served at all; above it allocation fails with {@link SlabOutOfMemoryException}. */
    public static final long MAX_BYTE_SIZE = 1L << 52;
    /** Bytes of a buddy region of the large-block path; larger requests get huge blocks of their own. */
    public static final long REGION_BYTES = BuddyRegion.REGION_BYTES;
    /** At most this many freed huge blocks are kept for reuse. */
    public static final int RETAINED_HUGE_BLOCKS = 2;
    /** Freed huge blocks above this size go straight back to the provider. */
    public static final long RETAINED_MAX_HUGE_BYTES = 32L << 20;

    /** Slabs are at least, and registered in steps of, one granule: 64 KiB. */
    static final int GRANULE_SHIFT = 16;
    static final long MIN_SLAB_BYTES = 1L << GRANULE_SHIFT;
    /** Slab size is chosen so that a slab holds at least this many blocks. */
    static final long TARGET_BLOCKS_PER_SLAB = 64;
    /** Huge blocks are aligned to at least a cache line. */
    static final long HUGE_MIN_ALIGNMENT = 64;

    private static final long[] DEFAULT_SIZE_CLASSES = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
    /**
     * Without native access ({@link #NATIVE_FILL} false), blocks up to this size are zeroed by a copy from
     * {@link #ZEROS}: every block of the default classes.
     */
    static final int ZERO_BYTES = 4096;
    /** Never written: a read-only view of a private array. */
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[ZERO_BYTES]).asReadOnly();
    /** Whether zero-filling calls {@code memset}: with native access, and a {@code memset} to link. */
    private static final boolean NATIVE_FILL =
            SlabAllocator.class.getModule().isNativeAccessEnabled() && NativeFill.available();

    private final SizeClass[] classes;
    /** {@code classBySize[ceil(size / 8)]}: the smallest class of at least {@code size} bytes. */
    private final SizeClass[] classBySize;
    private final long largestClass;
    private final SlabMemory memory;
    private final SlabSync sync;
    private final Thread owner;
    private final Lock lock;
    private final boolean zeroFill;
    private final boolean global;
    /** Whether the provider may close a slab under the allocator: then each allocation asks the slab's scope. */
    private final boolean slabsMayClose;

    /** Every held slab of every class, by 64 KiB granule of its address. */
    private final AddressTable<SlabRecord> slabs = new AddressTable<>();
    /** Buddy regions of the large-block path, oldest first (allocation prefers them, so young ones can drain). */
    private final List<BuddyRegion> regions = new ArrayList<>();
    /** The same regions by {@code address >>> REGION_SHIFT}. */
    private final AddressTable<BuddyRegion> regionsByAddress = new AddressTable<>();
    private int emptyRegions;
    /** Live huge blocks by address. */
    private final AddressTable<LargeBlock> hugeBlocks = new AddressTable<>();
    /** Freed huge blocks kept for reuse, oldest first. */
    private final LargeBlock[] retained = new LargeBlock[RETAINED_HUGE_BLOCKS];
    private int retainedCount;
    /** Live large blocks (buddy and huge), their usable bytes, and the bytes of regions and huge blocks held. */
    private long largeLive;
    private long largeUsedBytes;
    private long largeHeldBytes;
    private boolean closed;

    private SlabAllocator(Builder options, boolean global) {
        this.sync = options.sync;
        this.owner = sync == SlabSync.CONFINED ? Thread.currentThread() : null;
        this.lock = sync == SlabSync.LOCKED ? new ReentrantLock() : null;
        this.zeroFill = options.zeroFill;
        this.global = global;
        this.memory = options.maxBytes == Long.MAX_VALUE
                ? options.memory : SlabMemory.bounded(options.memory, options.maxBytes);
        this.slabsMayClose = SlabEngine.mayCloseSlabs(memory);
        long[] sizes = options.sizeClasses;
        this.largestClass = sizes[sizes.length - 1];
        this.classes = new SizeClass[sizes.length];
        try {
            for (int i = 0; i < sizes.length; i++) {
                classes[i] = new SizeClass(sizes[i], options.reserveSlabs, new ClassMemory(memory, slabs));
            }
        } catch (RuntimeException e) {
            for (SizeClass c : classes) {
                if (c != null) {
                    c.engine.close();
                }
            }
            throw e;
        }
        this.classBySize = new SizeClass[(int) (largestClass >>> 3) + 1];
        int c = 0;
        for (int i = 0; i < classBySize.length; i++) {
            while (sizes[c] < 8L * i) {
                c++;
            }
            classBySize[i] = classes[c];
        }
        for (int i = 0; i + 1 < classes.length; i++) {
            classes[i].larger = classes[i + 1];
        }
    }

    /**
     * An allocator with the default size classes (16..4096 bytes), {@link SlabMemory#ofArena()} memory, confined to
     * the calling thread.
     *
     * @return a new allocator; takes no memory until the first allocation
     */
    public static SlabAllocator create() {
        return builder().build();
    }

    /**
     * A builder for an allocator with other size classes, memory, sync mode or byte cap.
     *
     * <pre>{@code
     * SlabAllocator shared = SlabAllocator.builder()
     *         .sizeClasses(16, 48, 128, 1024)
     *         .sync(SlabSync.LOCKED)
     *         .maxBytes(256 << 20)
     *         .build();
     * }</pre>
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The process-wide allocator: default size classes, {@link SlabMemory#ofArena()}, {@link SlabSync#LOCKED},
     * created on first use. It cannot be closed.
     *
     * <pre>{@code
     * MemorySegment buffer = SlabAllocator.global().allocate(256);
     * SlabAllocator.global().free(buffer);
     * }</pre>
     *
     * @return the global allocator
     */
    public static SlabAllocator global() {
        SlabAllocator global = globalInstance;
        return global != null ? global : createGlobal();
    }

    /**
     * {@link #global()}, created on first use. Not a holder class: creating it can fail (every cache tag taken),
     * and a failed class initialisation would fail every later use for the life of the JVM
     * ({@code NoClassDefFoundError}); here the failure is a {@code SlabException} and the next call tries again.
     */
    private static volatile SlabAllocator globalInstance;

    private static synchronized SlabAllocator createGlobal() {
        if (globalInstance == null) {
            globalInstance = new SlabAllocator(builder().sync(SlabSync.LOCKED), true);
        }
        return globalInstance;
    }

    /** Options of a {@link SlabAllocator}; see {@link SlabAllocator#builder()}. */
    public static final class Builder {
        private long[] sizeClasses = DEFAULT_SIZE_CLASSES;
        private SlabMemory memory = SlabMemory.ofArena();
        private SlabSync sync = SlabSync.CONFINED;
        private long maxBytes = Long.MAX_VALUE;
        private boolean zeroFill = true;
        private int reserveSlabs = 1;

        private Builder() {}

        /**
         * The block sizes, smallest first; default the powers of two 16..4096. Each must be a multiple of 8 and at
         * most {@link #MAX_SIZE_CLASS}; at most {@link #MAX_SIZE_CLASSES} of them. A class's blocks are aligned to
         * the largest power of two dividing its size (48-byte blocks to 16).
         *
         * @param sizes strictly increasing block sizes
         * @return this builder
         * @throws IllegalArgumentException naming the offending size and the rule
         */
        public Builder sizeClasses(long... sizes) {
            long[] copy = sizes.clone();
            if (copy.length == 0 || copy.length > MAX_SIZE_CLASSES) {
                throw new IllegalArgumentException("between 1 and " + MAX_SIZE_CLASSES
                        + " size classes are needed, not " + copy.length);
            }
            for (int i = 0; i < copy.length; i++) {
                long size = copy[i];
                if (size < 8 || size % 8 != 0 || size > MAX_SIZE_CLASS) {
                    throw new IllegalArgumentException("size class " + size + " must be a multiple of 8 between 8 and "
                            + MAX_SIZE_CLASS + "; larger requests go to the large-block path anyway");
                }
                if (i > 0 && size <= copy[i - 1]) {
                    throw new IllegalArgumentException("size classes must be strictly increasing, but " + size
                            + " follows " + copy[i - 1] + " in " + Arrays.toString(copy));
                }
            }
            this.sizeClasses = copy;
            return this;
        }

        /**
         * Where slabs and large blocks come from; default {@link SlabMemory#ofArena()}. Must be thread-safe if the
         * allocator is {@link SlabSync#LOCKED} and the provider is shared.
         *
         * @param memory the provider
         * @return this builder
         */
        public Builder memory(SlabMemory memory) {
            this.memory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        /**
         * Who may call the allocator; default {@link SlabSync#CONFINED} to the building thread.
         *
         * @param sync the mode
         * @return this builder
         */
        public Builder sync(SlabSync sync) {
            this.sync = Objects.requireNonNull(sync, "sync");
            return this;
        }

        /**
         * The most bytes held from the provider at once (slabs with their headers, and large blocks); past it,
         * allocation fails with {@link SlabOutOfMemoryException}. Default: no cap.
         *
         * @param maxBytes the cap; not negative
         * @return this builder
         */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes " + maxBytes + " is negative");
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Whether {@code allocate} zero-fills the segment it returns (default {@code true}, as
         * {@code Arena.allocate} and {@code calloc} do; exactly the {@code byteSize} bytes returned, by the C
         * library's {@code memset} when the runtime has native access, else by a bulk copy from zeros). With
         * {@code false}, as with {@code malloc}, the bytes are unspecified: a reused block holds what
         * its previous owners wrote (a slot that was on a free list also has a link in its first 4 bytes), a block
         * in fresh provider memory whatever the provider gave. Write every byte you read, and do not pass such a
         * block to code that must not see other data of the process.
         *
         * <pre>{@code
         * SlabAllocator scratch = SlabAllocator.builder().zeroFill(false).build();
         * MemorySegment buffer = scratch.allocate(1024);     // contents unspecified: write before reading
         * }</pre>
         *
         * @param zeroFill {@code false} to skip zeroing
         * @return this builder
         */
        public Builder zeroFill(boolean zeroFill) {
            this.zeroFill = zeroFill;
            return this;
        }

        /**
         * How many empty slabs each size class keeps for reuse (default 1), so that a class whose last block is
         * freed and then allocated again does not return its slab to the provider and take it back; further
         * emptied slabs go back at once. {@link SlabAllocator#trim()} gives the kept ones back too.
         *
         * <pre>{@code
         * SlabAllocator lean = SlabAllocator.builder().reserveSlabs(0).build();  // every empty slab goes back
         * }</pre>
         *
         * @param reserveSlabs empty slabs kept per class; not negative
         * @return this builder
         */
        public Builder reserveSlabs(int reserveSlabs) {
            if (reserveSlabs < 0) {
                throw new IllegalArgumentException("reserveSlabs " + reserveSlabs + " is negative");
            }
            this.reserveSlabs = reserveSlabs;
            return this;
        }

        /**
         * Builds the allocator; takes no memory yet.
         *
         * @return a new allocator, confined to the calling thread if {@link SlabSync#CONFINED}
         * @throws SlabException if too many slab caches are open (see io.slabforge.internal.SlabEngine#MAX_OPEN_CACHES)
         */
        public SlabAllocator build() {
            return new SlabAllocator(this, false);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Allocation

    /**
     * Allocates a block of at least {@code byteSize} bytes aligned to {@code byteAlignment} and returns exactly
     * {@code byteSize} bytes of it, zero-filled unless built with {@code zeroFill(false)}.
     *
     * @param byteSize bytes wanted; not negative (0 gives a zero-length segment that must still be freed)
     * @param byteAlignment a power of two
     * @return a native segment of {@code byteSize} bytes whose address is a multiple of {@code byteAlignment}
     * @throws IllegalArgumentException if {@code byteSize < 0} or {@code byteAlignment} is not a positive power of two
     * @throws SlabOutOfMemoryException when the provider or {@code maxBytes} gives no more memory
     * @throws SlabException when the memory provider misbehaves (the allocator stays consistent)
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        checkRequest(byteSize, byteAlignment);
        Lock l = lock;
        if (l != null) {
            l.lock();
            try {
                return allocate0(byteSize, byteAlignment);
            } finally {
                l.unlock();
                Reference.reachabilityFence(this);
            }
        }
        checkThread();
        MemorySegment block = allocate0(byteSize, byteAlignment);
        Reference.reachabilityFence(this); // the size classes call their engines' pools, not the engines
        return block;
    }

    private MemorySegment allocate0(long byteSize, long byteAlignment) {
        checkOpen();
        SizeClass c = classFor(byteSize, byteAlignment);
        MemorySegment block = c != null
                ? allocateSmall(c, byteSize) : allocateLargeOrTrim(byteSize, byteAlignment);
        if (zeroFill) {
            zero(block);
        }
        return block;
    }

    /**
     * Zeroes exactly the block's bytes: with native access by {@code memset} ({@link NativeFill}), else up to
     * {@value #ZERO_BYTES} bytes by a copy from a zeroed buffer (the JDK's copy stub moves vector registers, while
     * {@code fill} above 32 bytes is {@code Unsafe.setMemory}, whose stub stores a word at a time). If the
     * provider closed the block's memory, the block is freed again before the exception leaves.
     */
    private void zero(MemorySegment block) {
        long n = block.byteSize();
        try {
            if (NATIVE_FILL && n <= NativeFill.MAX_BYTES) {
                NativeFill.zero(block);
            } else if (n <= ZERO_BYTES) {
                MemorySegment.copy(ZEROS, 0, block, 0, n);
            } else {
                block.fill((byte) 0);
            }
        } catch (RuntimeException e) {
            try {
                free0(block);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A large block; out of memory, once more after giving back what every class and the large path keep. */
    private MemorySegment allocateLargeOrTrim(long byteSize, long byteAlignment) {
        try {
            return allocateLarge(byteSize, byteAlignment);
        } catch (SlabOutOfMemoryException e) {
            if (trim0() == 0) {
                throw e;
            }
            return allocateLarge(byteSize, byteAlignment);
        }
    }

    /** The smallest class that serves the request, or null for the large path. */
    private SizeClass classFor(long byteSize, long byteAlignment) {
        if (byteSize > largestClass) {
            return null;
        }
        SizeClass c = classBySize[(int) ((byteSize + 7) >>> 3)];
        while (c != null && c.alignment < byteAlignment) {
            c = c.larger;
        }
        return c;
    }

    /**
     * The small-block path: the allocation of the class engine's pool (the allocator guards it, so the engine's own
     * dispatch is skipped), its slab's record by the engine's slab index (an array load), the length kept for
     * {@code free}, and one slice of the slab, the segment returned. The pool just handed the handle out, so it is
     * not validated again, and no other object is made.
     */
    private MemorySegment allocateSmall(SizeClass cls, long byteSize) {
        long handle = cls.pool.allocate(true);
        if (handle == 0) {
            handle = allocateSmallOrTrim(cls);
        }
        if (slabsMayClose) {
            cls.engine.requireSlabOpen(handle);
        }
        int index = HandleFormat.index(handle);
        int slab = index >>> cls.slotBits;
        SlabRecord[] records = cls.records;
        SlabRecord record = slab < records.length ? records[slab] : null;
        if (record == null) {
            record = learnSlab(cls, handle, slab);
        }
        int slot = index & cls.slotMask;
        record.length(slot, byteSize);
        return record.slab.asSlice(cls.offsetOf(slot), byteSize);
    }

    /** The class's engine is out of memory: give back what every class and the large path keep, then try again. */
    private long allocateSmallOrTrim(SizeClass cls) {
        trim0();
        return cls.engine.allocateUninitialized(); // throws SlabOutOfMemoryException if still none
    }

    /** The first allocation from a slab the engine took: find its record by address and file it by slab index. */
    private SlabRecord learnSlab(SizeClass cls, long handle, int slab) {
        long address = cls.engine.segment(handle).address();
        SlabRecord record = slabs.get(address >>> GRANULE_SHIFT);
        if (record == null || record.cls != cls) {
            cls.engine.free(handle);
            throw new IllegalStateException("the block at 0x" + Long.toHexString(address)
                    + " of the " + cls.size + "-byte class is in no registered slab; this is a Slabforge bug");
        }
        record.slabIndex = slab;
        if (slab >= cls.records.length) {
            cls.records = Arrays.copyOf(cls.records, Math.max(slab + 1, 2 * cls.records.length));
        }
        cls.records[slab] = record;
        return record;
    }

    private MemorySegment allocateLarge(long byteSize, long byteAlignment) {
        long n = Math.max(byteSize, byteAlignment);
        if (n > REGION_BYTES) {
            return allocateHuge(byteSize, byteAlignment, hugeUsableSize(n));
        }
        int level = BuddyRegion.levelFor(n);
        BuddyRegion region = null;
        List<BuddyRegion> all = regions;
        for (int i = 0, count = all.size(); i < count; i++) {
            if (all.get(i).hasFree(level)) {
                region = all.get(i);
                break;
            }
        }
        if (region == null) {
            MemorySegment regionMemory;
            try {
                regionMemory = provideLarge(REGION_BYTES, REGION_BYTES);
            } catch (SlabOutOfMemoryException e) {
                // No whole region (a small bounded provider, say): the block alone may still fit.
                return allocateHuge(byteSize, byteAlignment, BuddyRegion.blockBytes(level));
            }
            region = new BuddyRegion(regionMemory);
            regions.add(region);
            regionsByAddress.putIfAbsent(region.base >>> BuddyRegion.REGION_SHIFT, region);
            largeHeldBytes += REGION_BYTES;
            emptyRegions++;
        }
        if (region.isEmpty()) {
            emptyRegions--;
        }
        long offset = region.allocate(level, byteSize);
        largeLive++;
        largeUsedBytes += BuddyRegion.blockBytes(level);
        return region.memory.asSlice(offset, byteSize);
    }

    /** A block of {@code usable} bytes of its own from the provider. */
    private MemorySegment allocateHuge(long byteSize, long byteAlignment, long usable) {
        long alignment = Math.max(byteAlignment, HUGE_MIN_ALIGNMENT);
        LargeBlock block = takeRetained(usable, alignment);
        if (block == null) {
            block = new LargeBlock(provideLarge(usable, alignment), usable, alignment);
            largeHeldBytes += usable;
        }
        block.length = byteSize;
        hugeBlocks.putIfAbsent(block.address, block);
        largeLive++;
        largeUsedBytes += usable;
        return block.memory.asSlice(0, byteSize);
    }

    private MemorySegment provideLarge(long size, long alignment) {
        MemorySegment m;
        try {
            m = memory.allocate(size, alignment);
        } catch (OutOfMemoryError e) {
            throw new SlabOutOfMemoryException("memory provider " + memory + " ran out of memory for a " + size
                    + "-byte block", e);
        } catch (RuntimeException e) {
            throw new SlabException("memory provider " + memory + " threw from allocate: " + e
                    + "; the allocator is consistent", e);
        }
        if (m == null) {
            throw new SlabOutOfMemoryException("memory provider " + memory + " has no memory left for a " + size
                    + "-byte block (" + largeHeldBytes + " bytes of large blocks held, " + largeLive + " live)");
        }
        String fault = faultOf(m, size, alignment);
        if (fault == null && (hugeBlocks.get(m.address()) != null
                || regionsByAddress.get(m.address() >>> BuddyRegion.REGION_SHIFT) != null
                || slabs.get(m.address() >>> GRANULE_SHIFT) != null)) {
            fault = "it overlaps memory the allocator already holds";
        }
        if (fault != null) {
            SlabException e = new SlabException("memory provider " + memory + " returned a bad " + size
                    + "-byte block: " + fault + "; the allocator is unchanged");
            try {
                memory.free(m);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return m;
    }

    /** The engines' provider checks, for a block this thread is about to use. */
    static String faultOf(MemorySegment m, long size, long alignment) {
        return ProviderChecks.faultOf(m, size, alignment, Thread.currentThread());
    }

    private static long largeUsableSize(long byteSize, long byteAlignment) {
        long n = Math.max(byteSize, byteAlignment);
        return n <= REGION_BYTES ? BuddyRegion.blockBytes(BuddyRegion.levelFor(n)) : hugeUsableSize(n);
    }

    private static long hugeUsableSize(long n) {
        if (n > MAX_BYTE_SIZE) {
            throw new SlabOutOfMemoryException("a block of " + n + " bytes is above the largest this allocator serves, "
                    + MAX_BYTE_SIZE);
        }
        // Quarter steps between powers of two: at most 25 % rounding, and few distinct sizes for the provider.
        long step = Long.highestOneBit(n - 1) >>> 2;
        return (n + step - 1) & -step;
    }

    /**
     * The bytes a request costs: the block size of the size class that serves it, the power-of-two size of its buddy
     * block (up to {@link #REGION_BYTES}), or the rounded size of its huge block. {@link #stats()} counts every live
     * block at this size.
     *
     * <pre>{@code
     * allocator.usableSize(100, 8);       // 128: the 128-byte class
     * allocator.usableSize(5000, 8);      // 8192: a buddy block
     * allocator.usableSize(5 << 20, 8);   // 5 MiB: a huge block
     * }</pre>
     *
     * @param byteSize bytes wanted; not negative
     * @param byteAlignment a power of two
     * @return the usable size, at least {@code byteSize}
     * @throws IllegalArgumentException for a negative size or an alignment that is not a positive power of two
     * @throws SlabOutOfMemoryException for a request above {@link #MAX_BYTE_SIZE}
     */
    public long usableSize(long byteSize, long byteAlignment) {
        checkRequest(byteSize, byteAlignment);
        SizeClass c = classFor(byteSize, byteAlignment);
        return c != null ? c.size : largeUsableSize(byteSize, byteAlignment);
    }

    private static void checkRequest(long byteSize, long byteAlignment) {
        if (byteSize < 0) {
            throw new IllegalArgumentException("byteSize " + byteSize + " is negative");
        }
        if (byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw new IllegalArgumentException("byteAlignment " + byteAlignment + " is not a positive power of two");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Free

    /**
     * Gives a block back. The segment must be one {@code allocate} returned (or have the same address and size).
     *
     * @param segment the block's segment
     * @throws InvalidHandleException if it is not a live block of this allocator (a heap segment, foreign memory, a
     *     slice of a block, a block already freed); nothing is changed. See the class description for what cannot be
     *     detected.
     * @throws SlabException if the memory provider failed to take back memory (the block is freed regardless)
     * @throws IllegalStateException after {@link #close()}
     */
    public void free(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        Lock l = lock;
        if (l != null) {
            l.lock();
            try {
                free0(segment);
            } finally {
                l.unlock();
                Reference.reachabilityFence(this);
            }
            return;
        }
        checkThread();
        free0(segment);
        Reference.reachabilityFence(this);
    }

    private void free0(MemorySegment segment) {
        checkOpen();
        if (!segment.isNative()) {
            throw invalidFree(segment, "it is a heap segment; this allocator hands out native memory only");
        }
        long address = segment.address();
        SlabRecord record = slabs.get(address >>> GRANULE_SHIFT);
        if (record != null) {
            freeSmall(record, segment, address);
            return;
        }
        BuddyRegion region = regionsByAddress.get(address >>> BuddyRegion.REGION_SHIFT);
        if (region != null) {
            freeBuddy(region, segment, address - region.base);
            return;
        }
        LargeBlock block = hugeBlocks.get(address);
        if (block == null) {
            throw invalidFree(segment, "no block of this allocator starts there (memory from elsewhere, a slice of a"
                    + " huge block, or a block already freed)");
        }
        if (segment.byteSize() != block.length) {
            throw invalidFree(segment, "the huge block there was allocated with " + block.length
                    + " bytes (a slice of it?)");
        }
        hugeBlocks.remove(address);
        largeLive--;
        largeUsedBytes -= block.usable;
        retain(block);
    }

    private void freeBuddy(BuddyRegion region, MemorySegment segment, long offset) {
        String refusal = region.refusal(offset, segment.byteSize());
        if (refusal != null) {
            throw invalidFree(segment, refusal);
        }
        largeUsedBytes -= region.free(offset);
        largeLive--;
        if (region.isEmpty()) {
            if (emptyRegions == 0) {
                emptyRegions++;   // kept, so that a block allocated and freed in a loop does not cycle regions
            } else {
                releaseRegion(region);
            }
        }
    }

    private void releaseRegion(BuddyRegion region) {
        regions.remove(region);
        regionsByAddress.remove(region.base >>> BuddyRegion.REGION_SHIFT);
        largeHeldBytes -= REGION_BYTES;
        try {
            memory.free(region.memory);
        } catch (RuntimeException e) {
            throw new SlabException("memory provider " + memory + " threw from free: " + e
                    + "; the allocator is consistent", e);
        }
    }

    private void freeSmall(SlabRecord record, MemorySegment segment, long address) {
        SizeClass cls = record.cls;
        long relative = address - record.base;
        long slot = cls.sizeShift >= 0 ? relative >>> cls.sizeShift : relative / cls.size;
        long into = relative - slot * cls.size;
        if (into != 0) {
            throw invalidFree(segment, "it starts " + into + " bytes into a " + cls.size
                    + "-byte block (a slice of a block?)");
        }
        if (slot >= cls.slotsPerSlab) {
            throw invalidFree(segment, "it points past the last block of a slab of the " + cls.size + "-byte class");
        }
        // One read of the slot's word: freeIfLive frees it if it is live, so the handle is not validated twice.
        int slabIndex = record.slabIndex;
        if (segment.byteSize() == record.length((int) slot) && slabIndex >= 0
                && cls.pool.freeIfLive(slabIndex << cls.slotBits | (int) slot)) {
            return;
        }
        if (slabIndex < 0 || cls.engine.liveHandleAt(slabIndex, (int) slot) == 0) {
            throw invalidFree(segment, "the " + cls.size + "-byte block there is not allocated (a double free, or a"
                    + " segment kept after its block was freed)");
        }
        throw invalidFree(segment, "the block there was allocated with " + record.length((int) slot)
                + " bytes (a slice of it?)");
    }

    private static InvalidHandleException invalidFree(MemorySegment segment, String why) {
        return new InvalidHandleException("cannot free the " + segment.byteSize() + "-byte segment at 0x"
                + Long.toHexString(segment.address()) + ": " + why);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Retained huge blocks and empty regions

    private LargeBlock takeRetained(long usable, long alignment) {
        for (int i = retainedCount - 1; i >= 0; i--) {
            LargeBlock b = retained[i];
            if (b.usable == usable && b.alignment == alignment) {
                System.arraycopy(retained, i + 1, retained, i, retainedCount - i - 1);
                retained[--retainedCount] = null;
                return b;
            }
        }
        return null;
    }

    private void retain(LargeBlock block) {
        if (block.usable > RETAINED_MAX_HUGE_BYTES) {
            giveBack(block);
            return;
        }
        if (retainedCount == RETAINED_HUGE_BLOCKS) {
            LargeBlock oldest = retained[0];
            System.arraycopy(retained, 1, retained, 0, RETAINED_HUGE_BLOCKS - 1);
            retained[RETAINED_HUGE_BLOCKS - 1] = block;
            giveBack(oldest);
            return;
        }
        retained[retainedCount++] = block;
    }

    /**
     * Gives everything this allocator keeps for reuse back to the provider: the empty slabs of every size class (at
     * most {@link Builder#reserveSlabs} each), the empty buddy region and the retained huge blocks. Live blocks and
     * the memory holding them stay where they are, and so do their segments. An allocation that finds its provider
     * or {@code maxBytes} exhausted does the same before it fails; call it yourself to hand memory to other users
     * of a bounded or shared provider, after a burst, say.
     *
     * <pre>{@code
     * long before = allocator.stats().heldBytes();
     * long released = allocator.trim();                 // live blocks stay; kept memory goes back
     * assert allocator.stats().heldBytes() == before - released;
     * }</pre>
     *
     * @return the bytes given back to the provider
     * @throws SlabException if the provider threw from {@code free}; everything else is still offered and the
     *     statistics stay exact
     * @throws IllegalStateException after {@link #close()}
     */
    public long trim() {
        Lock l = lock;
        if (l != null) {
            l.lock();
            try {
                checkOpen();
                return trim0();
            } finally {
                l.unlock();
            }
        }
        checkThread();
        checkOpen();
        return trim0();
    }

    /** {@link #trim()} under the lock or owner check; returns the bytes given back. */
    private long trim0() {
        long before = heldBytes();
        SlabException failure = null;
        for (SizeClass c : classes) {
            try {
                c.engine.trim();
            } catch (SlabException e) {
                failure = failure == null ? e : addSuppressed(failure, e);
            }
        }
        try {
            releaseKept();
        } catch (SlabException e) {
            failure = failure == null ? e : addSuppressed(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
        return before - heldBytes();
    }

    /** Bytes held from the provider: every class's slabs, the regions and the huge blocks. */
    private long heldBytes() {
        long held = largeHeldBytes;
        for (SizeClass c : classes) {
            held += c.engine.stats().reservedBytes();
        }
        return held;
    }

    /** Gives every retained huge block and empty region back to the provider. */
    private void releaseKept() {
        if (retainedCount == 0 && emptyRegions == 0) {
            return;
        }
        SlabException failure = null;
        for (int i = regions.size() - 1; i >= 0 && emptyRegions > 0; i--) {
            BuddyRegion region = regions.get(i);
            if (region.isEmpty()) {
                emptyRegions--;
                try {
                    releaseRegion(region);
                } catch (SlabException e) {
                    failure = failure == null ? e : addSuppressed(failure, e);
                }
            }
        }
        while (retainedCount > 0) {
            LargeBlock b = retained[--retainedCount];
            retained[retainedCount] = null;
            try {
                giveBack(b);
            } catch (SlabException e) {
                failure = failure == null ? e : addSuppressed(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void giveBack(LargeBlock block) {
        largeHeldBytes -= block.usable;
        try {
            memory.free(block.memory);
        } catch (RuntimeException e) {
            throw new SlabException("memory provider " + memory + " threw from free: " + e
                    + "; the allocator is consistent", e);
        }
    }

    private static SlabException addSuppressed(SlabException first, RuntimeException next) {
        first.addSuppressed(next);
        return first;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Statistics, close

    /**
     * A consistent, exact snapshot of this allocator's memory.
     *
     * @return the statistics, per size class, for the large blocks and in total
     */
    public AllocatorStats stats() {
        Lock l = lock;
        if (l != null) {
            l.lock();
            try {
                return stats0();
            } finally {
                l.unlock();
            }
        }
        checkThread();
        return stats0();
    }

    private AllocatorStats stats0() {
        List<AllocatorStats.SizeClassStats> perClass = new ArrayList<>(classes.length);
        long total = largeHeldBytes;
        long used = largeUsedBytes;
        long held = largeHeldBytes;
        long live = largeLive;
        for (SizeClass c : classes) {
            SlabStats s = c.engine.stats();
            long classTotal = s.capacity() * c.size;
            perClass.add(new AllocatorStats.SizeClassStats(c.size, s.liveObjects(), classTotal, s.usedBytes(),
                    classTotal - s.usedBytes(), s.reservedBytes()));
            total += classTotal;
            used += s.usedBytes();
            held += s.reservedBytes();
            live += s.liveObjects();
        }
        AllocatorStats.SizeClassStats large = new AllocatorStats.SizeClassStats(0, largeLive, largeHeldBytes,
                largeUsedBytes, largeHeldBytes - largeUsedBytes, largeHeldBytes);
        return new AllocatorStats(total, used, total - used, held, live, perClass, large);
    }

    /**
     * The block sizes of the size classes, smallest first.
     *
     * @return a copy of the size classes
     */
    public long[] sizeClasses() {
        long[] sizes = new long[classes.length];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = classes[i].size;
        }
        return sizes;
    }

    /**
     * The synchronisation mode.
     *
     * @return the mode this allocator was built with
     */
    public SlabSync sync() {
        return sync;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        Lock l = lock;
        if (l != null) {
            l.lock();
            try {
                return closed;
            } finally {
                l.unlock();
            }
        }
        return closed;
    }

    /**
     * Gives all memory back to the provider; every segment handed out becomes invalid. A second call does nothing;
     * any other use afterwards throws {@link IllegalStateException}.
     *
     * @throws UnsupportedOperationException on {@link #global()}
     * @throws SlabException if the provider failed to take memory back (all the rest is still returned)
     */
    @Override
    public void close() {
        if (global) {
            throw new UnsupportedOperationException("the global allocator cannot be closed");
        }
        Lock l = lock;
        if (l != null) {
            l.lock();
            try {
                close0();
            } finally {
                l.unlock();
            }
            return;
        }
        checkThread();
        close0();
    }

    private void close0() {
        if (closed) {
            return;
        }
        closed = true;
        SlabException failure = null;
        for (SizeClass c : classes) {
            try {
                c.engine.close();
            } catch (SlabException e) {
                failure = failure == null ? e : addSuppressed(failure, e);
            }
            Arrays.fill(c.records, null);
        }
        List<LargeBlock> blocks = new ArrayList<>(hugeBlocks.size() + retainedCount);
        hugeBlocks.forEachValue(blocks::add);
        blocks.addAll(Arrays.asList(retained).subList(0, retainedCount));
        hugeBlocks.clear();
        Arrays.fill(retained, null);
        retainedCount = 0;
        largeLive = 0;
        largeUsedBytes = 0;
        for (LargeBlock b : blocks) {
            try {
                giveBack(b);
            } catch (SlabException e) {
                failure = failure == null ? e : addSuppressed(failure, e);
            }
        }
        for (int i = regions.size() - 1; i >= 0; i--) {
            try {
                releaseRegion(regions.get(i));
            } catch (SlabException e) {
                failure = failure == null ? e : addSuppressed(failure, e);
            }
        }
        emptyRegions = 0;
        largeHeldBytes = 0;
        if (failure != null) {
            throw failure;
        }
    }

    private void checkThread() {
        if (owner != null && Thread.currentThread() != owner) {
            throw new WrongThreadException("this allocator is confined to thread " + owner.getName()
                    + "; build it with sync(SlabSync.LOCKED) to share it, not use it from "
                    + Thread.currentThread().getName());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the allocator is closed");
        }
    }

    @Override
    public String toString() {
        return "SlabAllocator[classes=" + Arrays.toString(sizeClasses()) + ", sync=" + sync + ", memory=" + memory
                + (global ? ", global" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals

    /** One size class: a slab engine and what {@code free} needs to turn an address into a handle. */
    static final class SizeClass {
        final long size;
        final long alignment;
        /** {@code log2(size)} for a power-of-two class, else -1 (then {@code free} divides). */
        final int sizeShift;
        final SlabGeometry geometry;
        final int slotsPerSlab;
        final int slotBits;
        final int slotMask;
        final SlabEngine engine;
        /** The engine's pool, called directly (the allocator guards it): one hop less than through the engine. */
        final SlabPool pool;
        /**
         * The held slabs by the engine's slab index, filed at a slab's first allocation and dropped when the engine
         * gives the slab back: allocation finds its slab's record with one array load.
         */
        SlabRecord[] records = new SlabRecord[8];
        /** The next larger class, for a request aligned above this class's alignment; null for the largest. */
        SizeClass larger;

        SizeClass(long size, int reserveSlabs, ClassMemory memory) {
            this.size = size;
            this.alignment = size & -size;
            this.sizeShift = alignment == size ? Long.numberOfTrailingZeros(size) : -1;
            long slabSize = Math.min(SlabGeometry.MAX_SLAB_SIZE,
                    Math.max(MIN_SLAB_BYTES, Long.highestOneBit(size * TARGET_BLOCKS_PER_SLAB - 1) << 1));
            this.geometry = SlabGeometry.of(size, Math.max(SlabGeometry.MIN_SLOT_ALIGNMENT, alignment), slabSize);
            this.slotsPerSlab = geometry.slotsPerSlab();
            this.slotBits = geometry.slotBits();
            this.slotMask = (1 << slotBits) - 1;
            memory.owner = this;
            // The allocator guards every engine call itself (its lock or owner check), so engines need no sync of
            // their own; unchecked, because the allocator only passes handles it just got or rebuilt and validated.
            this.engine = SlabEngine.builder(geometry).memory(memory).sync(SlabSync.NONE).checked(false)
                    .reserveSlabs(reserveSlabs).build();
            this.pool = engine.unsyncedPool();
        }

        /** Where slot {@code slot} starts in its slab. */
        long offsetOf(int slot) {
            return sizeShift >= 0 ? (long) slot << sizeShift : slot * size;
        }
    }

    /** A held slab of a size class, with the byte size each of its blocks was allocated with. */
    static final class SlabRecord {
        final SizeClass cls;
        final MemorySegment slab;
        final long base;
        /** The engine's index of this slab, learnt at its first allocation; -1 before. */
        int slabIndex = -1;
        private final char[] charLengths;
        private final int[] intLengths;

        SlabRecord(SizeClass cls, MemorySegment slab) {
            this.cls = cls;
            this.slab = slab;
            this.base = slab.address();
            int slots = cls.slotsPerSlab;
            // Two bytes per block up to 65535-byte classes, not one up to 255: on mixed sizes the test of which
            // array a record has went either way, a mispredicted branch in every allocate and free (ANALYSIS.md).
            this.charLengths = cls.size <= 0xFFFF ? new char[slots] : null;
            this.intLengths = cls.size > 0xFFFF ? new int[slots] : null;
        }

        long length(int slot) {
            return charLengths != null ? charLengths[slot] : intLengths[slot];
        }

        void length(int slot, long length) {
            if (charLengths != null) {
                charLengths[slot] = (char) length;
            } else {
                intLengths[slot] = (int) length;
            }
        }
    }

    /**
     * The provider as one size class's engine sees it: every slab the engine takes is registered by address before
     * the engine sees it, and unregistered when the engine gives it back, so {@code free} can find it.
     */
    static final class ClassMemory implements SlabMemory {
        private final SlabMemory delegate;
        private final AddressTable<SlabRecord> slabs;
        SizeClass owner;

        ClassMemory(SlabMemory delegate, AddressTable<SlabRecord> slabs) {
            this.delegate = delegate;
            this.slabs = slabs;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            MemorySegment slab = delegate.allocate(byteSize, byteAlignment);
            if (slab == null) {
                return null;
            }
            // Checked here, not only by the engine, so that a bad slab is never registered or written to; the
            // engine reports the exception as the provider's failure.
            String fault = faultOf(slab, byteSize, byteAlignment);
            SlabRecord record = new SlabRecord(owner, slab);
            long first = slab.address() >>> GRANULE_SHIFT;
            long granules = byteSize >>> GRANULE_SHIFT;
            for (long g = 0; fault == null && g < granules; g++) {
                if (!slabs.putIfAbsent(first + g, record)) {
                    for (long r = 0; r < g; r++) {
                        slabs.remove(first + r);
                    }
                    fault = "memory at 0x" + Long.toHexString(slab.address())
                            + " overlaps a slab it already handed out";
                }
            }
            if (fault != null) {
                IllegalStateException e = new IllegalStateException("it returned a bad slab: " + fault);
                try {
                    delegate.free(slab);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return slab;
        }

        @Override
        public void free(MemorySegment slab) {
            long first = slab.address() >>> GRANULE_SHIFT;
            SlabRecord record = slabs.get(first);
            // By address and size, not identity: the engine may hand back an equal segment, not the same object.
            if (record != null && record.base == slab.address() && record.slab.byteSize() == slab.byteSize()) {
                for (long g = 0, granules = slab.byteSize() >>> GRANULE_SHIFT; g < granules; g++) {
                    slabs.remove(first + g);
                }
                int index = record.slabIndex;
                if (index >= 0 && index < owner.records.length && owner.records[index] == record) {
                    owner.records[index] = null;
                }
            }
            delegate.free(slab);
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    /** A huge block: the provider's segment, its usable size and the length it was last allocated with. */
    static final class LargeBlock {
        final MemorySegment memory;
        final long address;
        final long usable;
        final long alignment;
        long length;

        LargeBlock(MemorySegment memory, long usable, long alignment) {
            this.memory = memory;
            this.address = memory.address();
            this.usable = usable;
            this.alignment = alignment;
        }
    }
}
