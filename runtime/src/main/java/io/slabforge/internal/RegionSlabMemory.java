package io.slabforge.internal;

import io.slabforge.SlabMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link SlabMemory#ofArena()}: slabs carved out of large native regions.
 *
 * <p>Why regions: {@code Arena.allocate(size, size)} per slab over-reserves {@code size - 1} bytes of address
 * space per slab (and more than doubles resident memory for small slabs after malloc's rounding), and a shared
 * arena per slab costs a thread handshake on every release. A region is one shared arena of at least
 * {@value #MIN_REGION_BYTES} bytes holding many equal blocks; it is closed, and its memory goes back to the
 * operating system, the moment its last block is freed. A new region is as large as all open regions of its block
 * size together (at least {@value #MIN_REGION_BYTES}, at most {@value #MAX_REGION_BYTES} bytes), so a small
 * cache stays small and a large one needs few regions.
 *
 * <p>Why regions are mapped with {@code mmap} when this module has native access ({@link AnonymousMappings}):
 * {@code Arena.allocate} zero-fills what it returns, so a fresh 64 MiB region would be resident at once although
 * its cache uses one slab of it. An anonymous mapping becomes resident page by page as slabs are handed out and
 * written; closing the region's arena unmaps it. Without native access (the default, since mapping needs
 * restricted methods) regions come from {@code Arena.allocate}: the same regions, resident in full.
 *
 * <p>Why arena regions below {@value #DIRECT_MAP_BYTES} bytes are requested with that alignment: the arena's memory
 * comes from {@code malloc}. glibc serves a request directly with {@code mmap} (and gives it back with
 * {@code munmap}) only above its mmap threshold, which rises to the size of the largest directly mapped block freed
 * so far, up to 32 MiB. After the first region was freed, regions of the same size would come from the C heap, and
 * freed C heap memory mostly stays with the process: filling and freeing a few hundred MiB left 30+ MiB resident.
 * The JDK asks for {@code size + alignment - 1} bytes and touches only {@code size} of them, so a 32 MiB alignment
 * makes every request at least 32 MiB, always mapped directly and unmapped on close; the extra is address space only
 * (it does count as committed memory where the kernel does strict overcommit accounting). Mapped regions need none
 * of this: they never pass through malloc.
 *
 * <p>Thread-safe: one lock guards the region tables. It is taken only when a cache takes or returns a whole slab.
 */
public final class RegionSlabMemory implements SlabMemory {
    public static final RegionSlabMemory SHARED = withSpare(AnonymousMappings.available());

    static final long MIN_REGION_BYTES = 2L << 20;
    static final long MAX_REGION_BYTES = 64L << 20;
    /** Requests of at least this many bytes are always mapped directly by glibc's malloc (its largest threshold). */
    static final long DIRECT_MAP_BYTES = 32L << 20;

    /** Regions are anonymous mappings (committed on first touch), not zero-filled {@code Arena.allocate} memory. */
    private final boolean mapped;
    /**
     * A region whose last block is freed stays mapped (its pages given back with {@code madvise}) until
     * {@link #closeRetained()}: for the private regions of a direct {@code LOCKED} cache, whose lock-free field
     * accesses reach slabs at their addresses, so no memory they may still touch can be unmapped while the cache
     * can be reached.
     */
    private boolean retainMappings;
    private final ReentrantLock lock = new ReentrantLock();
    /** Regions with at least one free block, per (size, alignment). */
    private final Map<BlockShape, ArrayDeque<Region>> available = new HashMap<>();
    /** Bytes in open regions per (size, alignment): a new region is as large as all of them together. */
    private final Map<BlockShape, Long> regionBytes = new HashMap<>();
    /** Every open region by base address, to find the region of a freed block. */
    private final TreeMap<Long, Region> byAddress = new TreeMap<>();
    private long regionsCreated;
    /**
     * Hysteresis: the last region emptied, kept open for reuse for up to {@link #SPARE_NANOS} (checked on the next
     * allocate or free), so that a cache taking and giving back one slab in a loop ({@code reserveSlabs(0)}) does
     * not map and unmap a region per cycle. At most one per provider; mapped, its pages are given back at once
     * (address space only); from {@code Arena.allocate}, only a region of at most {@value #MIN_REGION_BYTES}
     * bytes is kept (resident). Not counted by {@link #openRegions()}.
     */
    private Region spare;
    private long spareSince;
    /**
     * Whether this provider keeps a spare: only the process-wide {@link #SHARED} one (and tests'). Any other
     * instance may be dropped while its spare is open, and nothing would ever close that region's arena.
     */
    private boolean keepsSpare;
    static final long SPARE_NANOS = 1_000_000_000L;

    /** A provider that maps its regions whenever {@link AnonymousMappings#available() it can}. */
    public RegionSlabMemory() {
        this(AnonymousMappings.available());
    }

    /**
     * A provider taking its regions from anonymous mappings or from {@code Arena.allocate}; tests use both.
     *
     * @throws IllegalArgumentException if {@code mapped} but mappings are not available here
     */
    public RegionSlabMemory(boolean mapped) {
        if (mapped && !AnonymousMappings.available()) {
            throw new IllegalArgumentException("anonymous mappings need native access on Linux or macOS");
        }
        this.mapped = mapped;
    }

    /** A provider that keeps one emptied region for reuse (see {@link #spare}), as {@link #SHARED} does. */
    static RegionSlabMemory withSpare(boolean mapped) {
        RegionSlabMemory regions = new RegionSlabMemory(mapped);
        regions.keepsSpare = true;
        return regions;
    }

    private record BlockShape(long size, long alignment) {}

    /**
     * A region and which of its blocks are handed out: one bit per block (a cache of 4 KiB slabs has a block per
     * 113 objects, so per-block bookkeeping is part of every object's footprint). Blocks are handed out lowest
     * first, which keeps a mapped region's untouched tail out of resident memory.
     */
    private static final class Region {
        final Arena arena;
        final MemorySegment memory;
        final BlockShape shape;
        private final int blocks;
        /** Bit {@code b % 64} of word {@code b / 64} set while block {@code b} is handed out. */
        private final long[] taken;
        /**
         * Bit {@code b % 64} of word {@code b / 64} set while block {@code b} is held by an engine of this package
         * ({@link #allocateForEngine}), which gives it back by address: no segment is kept for it, and
         * {@link #free} refuses every segment naming it.
         */
        private final long[] engineHeld;
        /**
         * The segment each block taken through {@link #allocate} was handed out as, compared by identity in
         * {@code free}: a copy, a slice, or a segment given back earlier for a block that has since gone to someone
         * else, names the same address but is not the same object. Grows with the highest such block (blocks go out
         * lowest first); stays empty where only engines take blocks.
         */
        private MemorySegment[] handedOut = new MemorySegment[0];
        /** No block below this one is free. */
        private int lowestFree;
        private int freeCount;
        boolean listed;

        Region(Arena arena, MemorySegment memory, BlockShape shape, int blocks) {
            this.arena = arena;
            this.memory = memory;
            this.shape = shape;
            this.blocks = blocks;
            this.taken = new long[(blocks + 63) >>> 6];
            this.engineHeld = new long[taken.length];
            this.freeCount = blocks;
        }

        int blocks() {
            return blocks;
        }

        int freeCount() {
            return freeCount;
        }

        boolean isTaken(int block) {
            return (taken[block >>> 6] & 1L << block) != 0;
        }

        /** Hands out the lowest free block; there must be one. */
        int take() {
            int word = lowestFree >>> 6;
            long free = ~taken[word] & -1L << lowestFree;
            while (free == 0) {
                free = ~taken[++word];
            }
            int block = word << 6 | Long.numberOfTrailingZeros(free);
            taken[word] |= 1L << block;
            lowestFree = block + 1;
            freeCount--;
            return block;
        }

        void handOut(int block, MemorySegment segment) {
            if (block >= handedOut.length) {
                handedOut = Arrays.copyOf(handedOut, Math.min(blocks, Math.max(16, 2 * block + 1)));
            }
            handedOut[block] = segment;
        }

        void handOutToEngine(int block) {
            engineHeld[block >>> 6] |= 1L << block;
        }

        boolean isEngineHeld(int block) {
            return (engineHeld[block >>> 6] & 1L << block) != 0;
        }

        /** Whether {@code segment} is exactly what block {@code block} was handed out as, and still is. */
        boolean handedOutAs(int block, MemorySegment segment) {
            return isTaken(block) && !isEngineHeld(block) && block < handedOut.length && handedOut[block] == segment;
        }

        void give(int block) {
            if (block < handedOut.length) {
                handedOut[block] = null;
            }
            engineHeld[block >>> 6] &= ~(1L << block);
            taken[block >>> 6] &= ~(1L << block);
            lowestFree = Math.min(lowestFree, block);
            freeCount++;
        }
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        return take(byteSize, byteAlignment, false);
    }

    /**
     * {@link #allocate} for an engine of this package, which gives the block back with {@link #freeForEngine} by
     * its address and keeps no segment for it: a slab costs no segment object for as long as a cache holds it
     * (40 bytes a slab, a third of a byte per object of a cache of 4 KiB slabs). {@link #free} refuses the block.
     */
    MemorySegment allocateForEngine(long byteSize, long byteAlignment) {
        return take(byteSize, byteAlignment, true);
    }

    private MemorySegment take(long byteSize, long byteAlignment, boolean forEngine) {
        if (byteSize <= 0 || byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("size " + byteSize + " / alignment " + byteAlignment
                    + ": size must be positive and alignment a power of two");
        }
        BlockShape shape = new BlockShape(byteSize, byteAlignment);
        lock.lock();
        try {
            expireSpare();
            ArrayDeque<Region> regions = available.computeIfAbsent(shape, s -> new ArrayDeque<>());
            Region region = regions.peekFirst();
            if (region == null) {
                region = newRegion(shape);
                if (region == null) {
                    return null;
                }
                regions.addFirst(region);
                region.listed = true;
            }
            if (region == spare) {
                spare = null;
            }
            int block = region.take();
            if (region.freeCount() == 0) {
                regions.pollFirst();
                region.listed = false;
            }
            MemorySegment segment = region.memory.asSlice(block * blockStride(shape), byteSize);
            if (forEngine) {
                region.handOutToEngine(block);
            } else {
                region.handOut(block, segment);
            }
            return segment;
        } finally {
            lock.unlock();
        }
    }

    private static long blockStride(BlockShape shape) {
        return (shape.size + shape.alignment - 1) & -shape.alignment;
    }

    private Region newRegion(BlockShape shape) {
        long stride = blockStride(shape);
        long wanted = Math.clamp(regionBytes.getOrDefault(shape, 0L), MIN_REGION_BYTES, MAX_REGION_BYTES);
        long blocks = Math.max(1, Math.min(wanted / stride, Integer.MAX_VALUE - 8));
        long bytes = blocks * stride;
        Arena arena = Arena.ofShared();
        MemorySegment memory = mapped ? AnonymousMappings.map(bytes, shape.alignment, arena)
                                      : allocateZeroed(arena, bytes, shape.alignment);
        if (memory == null) {
            arena.close();
            return null;
        }
        regionBytes.merge(shape, memory.byteSize(), Long::sum);
        regionsCreated++;
        Region region = new Region(arena, memory, shape, (int) blocks);
        byAddress.put(memory.address(), region);
        return region;
    }

    /** A zero-filled region from the arena (malloc), or null when out of memory; see the class Javadoc. */
    private static MemorySegment allocateZeroed(Arena arena, long bytes, long alignment) {
        try {
            return arena.allocate(bytes, bytes < DIRECT_MAP_BYTES ? Math.max(alignment, DIRECT_MAP_BYTES) : alignment);
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void free(MemorySegment segment) {
        lock.lock();
        try {
            Region region = regionAt(segment.address());
            int block = region == null ? -1 : blockAt(region, segment.address());
            if (block < 0 || !region.handedOutAs(block, segment)) {
                throw notHandedOut(segment);
            }
            giveBack(region, block);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back the block at {@code address} that {@link #allocateForEngine} handed out.
     *
     * @throws IllegalStateException if no block an engine holds starts there (a bug of the engine: nothing is freed)
     */
    void freeForEngine(long address) {
        lock.lock();
        try {
            Region region = regionAt(address);
            int block = region == null ? -1 : blockAt(region, address);
            if (block < 0 || !region.isTaken(block) || !region.isEngineHeld(block)) {
                throw new IllegalStateException("no block held by a cache starts at 0x" + Long.toHexString(address)
                        + " in " + this + "; nothing was freed");
            }
            giveBack(region, block);
        } finally {
            lock.unlock();
        }
    }

    private Region regionAt(long address) {
        var entry = byAddress.floorEntry(address);
        return entry == null ? null : entry.getValue();
    }

    /** The block of {@code region} that starts at {@code address}, or -1. */
    private static int blockAt(Region region, long address) {
        long offset = address - region.memory.address();
        long stride = blockStride(region.shape);
        return offset < 0 || offset >= region.memory.byteSize() || offset % stride != 0 ? -1 : (int) (offset / stride);
    }

    /** Marks {@code block} free and keeps, lists, or closes its region; under the lock. */
    private void giveBack(Region region, int block) {
        region.give(block);
        if (region != spare) {
            expireSpare();
        }
        ArrayDeque<Region> regions = available.get(region.shape);
        if (region.freeCount() == region.blocks() && retainMappings) {
            AnonymousMappings.release(region.memory);
            if (!region.listed) {
                regions.addLast(region);
                region.listed = true;
            }
        } else if (region.freeCount() == region.blocks()) {
            if (spare != null) {
                closeRegion(spare);
            }
            if (keepsSpare && (mapped || region.memory.byteSize() <= MIN_REGION_BYTES)) {
                keepAsSpare(region, regions);
            } else {
                closeRegion(region);
            }
        } else if (!region.listed) {
            regions.addLast(region);
            region.listed = true;
        }
    }

    /**
     * Keeps an emptied region for reuse (see {@link #spare}): its pages go back to the operating system if it is
     * mapped; it stays listed, so the next allocation of its shape takes a block of it instead of a new region.
     */
    private void keepAsSpare(Region region, ArrayDeque<Region> regions) {
        if (mapped) {
            AnonymousMappings.release(region.memory);
        }
        if (!region.listed) {
            regions.addLast(region);
            region.listed = true;
        }
        spare = region;
        spareSince = System.nanoTime();
    }

    /** Closes the spare region if it has been kept for {@link #SPARE_NANOS}; run on every allocate and free. */
    private void expireSpare() {
        if (spare != null && System.nanoTime() - spareSince > SPARE_NANOS) {
            closeRegion(spare);
        }
    }

    /** Closes an empty region: its memory goes back to the operating system. */
    private void closeRegion(Region region) {
        if (region == spare) {
            spare = null;
        }
        if (region.listed) {
            available.get(region.shape).remove(region);
            region.listed = false;
        }
        byAddress.remove(region.memory.address());
        regionBytes.merge(region.shape, -region.memory.byteSize(), Long::sum);
        region.arena.close();
    }

    /**
     * A free of something this provider does not hold as handed out: never handed out, a slice or copy of a block
     * (same address, another object), or a block already taken back, possibly handed out again since (to a cache
     * whose slab it now is: accepting it would unmap memory that cache still uses).
     */
    private IllegalArgumentException notHandedOut(MemorySegment segment) {
        return new IllegalArgumentException(segment + " was not handed out by " + this + ", or was already taken"
                + " back: free takes exactly the segment allocate returned, once; nothing was freed");
    }

    /**
     * The region segment a block this provider handed out was carved from, or {@code null} if {@code block} is
     * not such a block. Engines access their slabs through it (see {@code SlabEngine.vias}); it stays valid until
     * the region's last block is freed.
     */
    MemorySegment regionOf(MemorySegment block) {
        lock.lock();
        try {
            var entry = byAddress.floorEntry(block.address());
            if (entry == null) {
                return null;
            }
            MemorySegment region = entry.getValue().memory;
            long offset = block.address() - region.address();
            return offset + block.byteSize() <= region.byteSize() ? region : null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether regions are anonymous mappings, resident only where touched (for tests and diagnostics). */
    public boolean mapsRegions() {
        return mapped;
    }

    /** Regions mapped or allocated since this provider was made (for tests and diagnostics). */
    public long regionsCreated() {
        lock.lock();
        try {
            return regionsCreated;
        } finally {
            lock.unlock();
        }
    }

    /** Empty regions kept for reuse: 0 or 1 (for tests and diagnostics). */
    public int spareRegions() {
        lock.lock();
        try {
            return spare != null ? 1 : 0;
        } finally {
            lock.unlock();
        }
    }

    /** Regions holding at least one block handed out, or kept private and retained (for tests and diagnostics). */
    public int openRegions() {
        lock.lock();
        try {
            return byAddress.size() - (spare != null ? 1 : 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A provider of the same kind whose regions no other cache shares: a {@code LOCKED} cache takes its slabs
     * from one, so that a slab it gives back is reused by nobody else while the region stays open, and closing
     * a region (a thread handshake) is what ends every racing access to it (see docs/ARCHITECTURE.md).
     */
    RegionSlabMemory newPrivate() {
        RegionSlabMemory regions = new RegionSlabMemory(mapped);
        regions.name = "private regions like " + name;
        return regions;
    }

    /** Private mapped regions that stay mapped until {@link #closeRetained()}; see {@link #retainMappings}. */
    RegionSlabMemory newPrivateRetained() {
        RegionSlabMemory regions = new RegionSlabMemory(true);
        regions.name = "private retained regions like " + name;
        regions.retainMappings = true;
        return regions;
    }

    /** Unmaps every region still open: run by a {@link java.lang.ref.Cleaner} once no access can reach them. */
    void closeRetained() {
        lock.lock();
        try {
            for (Region region : byAddress.values()) {
                region.arena.close();
            }
            byAddress.clear();
            spare = null;
            available.clear();
            regionBytes.clear();
        } finally {
            lock.unlock();
        }
    }

    private String name = "SlabMemory.ofArena()";

    @Override
    public String toString() {
        return name;
    }
}
