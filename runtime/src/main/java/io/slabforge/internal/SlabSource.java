package io.slabforge.internal;

import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import io.slabforge.SlabOutOfMemoryException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a cache's slabs come from and go back to: the memory provider, the {@code maxBytes} budget, the checks on
 * what the provider returns and the lookup of the region a slab is reached through. One per cache, shared by its
 * pools; on a striped cache its {@link #lock} also guards the slot table's slab entries.
 */
final class SlabSource {
    final SlabMemory memory;
    /** The built-in region provider behind {@link #memory}, or null for a custom provider. */
    private final RegionSlabMemory regions;
    private final long slabSize;
    private final long maxBytes;
    /** The thread a CONFINED cache's slabs must be accessible by, or null for any thread. */
    private final Thread owner;
    /** Guards the slabs held, the provider calls and the table's slab entries, where several pools share them. */
    final Lock lock;
    /** The cache file slabs come from instead of {@link #memory} (then null), for a file-backed cache. */
    final SlabFile file;
    /**
     * Whether the memory of a held slab may be closed under the cache: a custom provider's (its arena closed
     * early); never the built-in regions' or a file's, which only close() unmaps.
     */
    final boolean memoryMayClose;
    private int heldSlabs;
    /** Which cache this is, for events; the engine sets it right after construction. */
    CacheIdentity identity = new CacheIdentity(null, "SlabEngine", null, 0);
    /**
     * Whether {@link #memory} is the built-in region provider itself, whose blocks this source takes and gives back
     * by address ({@link RegionSlabMemory#allocateForEngine}): no segment object is kept per held slab.
     */
    private final boolean byAddress;
    /**
     * Each held slab's segment, exactly as the provider returned it, by global slab index: what {@link #give}
     * hands back (the built-in providers take back only the very segment they handed out, see
     * {@link RegionSlabMemory#free}). Guarded like the slab entries. Empty {@link #byAddress}: the slab's address,
     * which the slot table has, is all the regions need.
     */
    private MemorySegment[] held = new MemorySegment[0];

    SlabSource(SlabMemory memory, long slabSize, long maxBytes, Thread owner, boolean shared) {
        this.memory = memory;
        this.regions = regionsOf(memory);
        this.byAddress = regions != null && memory == regions;
        this.slabSize = slabSize;
        this.maxBytes = maxBytes;
        this.owner = owner;
        this.lock = shared ? new ReentrantLock() : null;
        this.file = null;
        this.memoryMayClose = mayClose(memory);
    }

    /** The source of a file-backed cache: its slabs are in {@code file}, slab index by slab index. */
    SlabSource(SlabFile file, long slabSize, long maxBytes, boolean shared) {
        this.memory = null;
        this.regions = null;
        this.byAddress = false;
        this.slabSize = slabSize;
        this.maxBytes = maxBytes;
        this.owner = null;
        this.lock = shared ? new ReentrantLock() : null;
        this.file = file;
        this.memoryMayClose = false;
    }

    /**
     * The provider a {@code LOCKED} cache takes its slabs from: for the built-in region provider (bounded or not),
     * private regions under the same budget, so that memory the cache gives back is reused by no other cache while
     * an access that passed validation may still be writing to it; a custom provider as it is. On the region path
     * closing a region's shared arena is the handshake that ends such accesses; {@code retained} regions (the
     * direct path) stay mapped, their pages given back, until no access can reach them.
     */
    static SlabMemory privateFor(SlabMemory memory, boolean retained) {
        if (memory instanceof RegionSlabMemory regions) {
            return retained ? regions.newPrivateRetained() : regions.newPrivate();
        }
        if (memory instanceof BoundedSlabMemory bounded && bounded.delegate() instanceof RegionSlabMemory regions) {
            return bounded.sharingBudgetWith(retained ? regions.newPrivateRetained() : regions.newPrivate());
        }
        return memory;
    }

    /**
     * Whether a {@code LOCKED} cache over {@code memory} can take the direct path: the built-in provider with
     * mapped regions (native access on Linux or macOS), whose private regions can stay mapped (see
     * {@link RegionSlabMemory#newPrivateRetained()}).
     */
    static boolean canRetainMappings(SlabMemory memory) {
        RegionSlabMemory regions = regionsOf(memory);
        return regions != null && regions.mapsRegions()
                && (memory == regions || memory instanceof BoundedSlabMemory b && b.delegate() == regions);
    }

    /** The built-in region provider behind this source's memory, or null. */
    RegionSlabMemory regions() {
        return regions;
    }

    /** Whether {@code memory} may close a slab under its engine: a provider, and not a built-in region provider. */
    static boolean mayClose(SlabMemory memory) {
        return memory != null && regionsOf(memory) == null;
    }

    private static RegionSlabMemory regionsOf(SlabMemory memory) {
        if (memory instanceof RegionSlabMemory regions) {
            return regions;
        }
        return memory instanceof BoundedSlabMemory bounded ? regionsOf(bounded.delegate()) : null;
    }

    /** Whether slabs come from the built-in region provider (required for the direct path). */
    boolean hasRegions() {
        return regions != null;
    }

    int heldSlabs() {
        return heldSlabs;
    }

    /**
     * Slab {@code slab} for a pool: from the cache file (which grows by whole regions for it) or the provider.
     *
     * @throws SlabOutOfMemoryException when none can be had and not {@code orNull}
     */
    MemorySegment take(int slab, boolean orNull, long liveObjects) {
        if (file == null) {
            return takeFromProvider(slab, orNull, liveObjects);
        }
        if ((long) (heldSlabs + 1) * slabSize > maxBytes) {
            if (orNull) {
                return null;
            }
            throw new SlabOutOfMemoryException("maxBytes " + maxBytes + " reached: " + heldSlabs + " slabs of "
                    + slabSize + " bytes held in " + file + " (" + liveObjects + " live objects)");
        }
        MemorySegment segment = file.slab(slab);
        heldSlabs++;
        return segment;
    }

    /** A slab a cache file being attached already holds: it counts against the budget like a slab taken. */
    MemorySegment adopt(int slab) {
        heldSlabs++;
        return file.slab(slab);
    }

    /**
     * A checked slab from the provider for global slab index {@code slab}, or null when none can be had and
     * {@code orNull}.
     *
     * @throws SlabOutOfMemoryException when none can be had and not {@code orNull}
     * @throws SlabException when the provider throws or returns a bad segment (handed back), or one that overlaps
     *         a slab a cache holds (kept by that cache, not handed back)
     */
    private MemorySegment takeFromProvider(int slab, boolean orNull, long liveObjects) {
        if ((long) (heldSlabs + 1) * slabSize > maxBytes) {
            if (orNull) {
                return null;
            }
            throw outOfMemory("maxBytes " + maxBytes + " reached: " + heldSlabs + " slabs of "
                    + slabSize + " bytes held (" + liveObjects + " live objects)", null);
        }
        SlabEvents.SlabAcquire event = SlabEvents.acquireStart();
        MemorySegment segment;
        try {
            segment = byAddress ? regions.allocateForEngine(slabSize, slabSize) : memory.allocate(slabSize, slabSize);
        } catch (OutOfMemoryError e) {
            if (orNull) {
                return null;
            }
            throw outOfMemory("memory provider " + memory + " ran out of memory", e);
        } catch (RuntimeException e) {
            throw ProviderChecks.threw(memory, "allocate", e);
        }
        if (segment == null) {
            if (orNull) {
                return null;
            }
            throw outOfMemory("memory provider " + memory + " has no memory left for a "
                    + slabSize + "-byte slab (" + heldSlabs + " slabs held, " + liveObjects + " live objects)", null);
        }
        String fault = ProviderChecks.faultOf(segment, slabSize, slabSize, owner);
        if (fault != null) {
            if (byAddress) {
                regions.freeForEngine(segment.address());
                throw ProviderChecks.rejection(memory, "slab", fault);
            }
            throw ProviderChecks.rejected(memory, "slab", fault, segment);
        }
        // The built-in regions never hand out a block twice; any other provider might, to this cache or another.
        if (regions == null) {
            String overlap = ProviderChecks.claim(segment);
            if (overlap != null) {
                throw ProviderChecks.overlapping(memory, overlap);
            }
        }
        if (!byAddress) {
            if (slab >= held.length) {
                held = java.util.Arrays.copyOf(held, grownLength(slab));
            }
            held[slab] = segment;
        }
        heldSlabs++;
        SlabEvents.acquired(event, identity, slabSize, heldSlabs);
        return segment;
    }

    /** A length for the held-slab arrays that holds {@code slab}: an eighth more than needed, at least 16. */
    private static int grownLength(int slab) {
        return Math.max(16, slab + 1 + (slab >>> 3));
    }

    /** The exception for an allocation that found no memory, and its {@code io.slabforge.OutOfMemory} event. */
    SlabOutOfMemoryException outOfMemory(String reason, Throwable cause) {
        SlabEvents.outOfMemory(identity, reason);
        return cause == null ? new SlabOutOfMemoryException(reason) : new SlabOutOfMemoryException(reason, cause);
    }

    /** What {@code slab} (just taken) is reached through: its region, or itself from a custom provider. */
    MemorySegment viaOf(MemorySegment slab) {
        if (file != null) {
            return file.lastRegion();
        }
        MemorySegment region = regions == null ? null : regions.regionOf(slab);
        return region != null ? region : slab;
    }

    /**
     * Gives global slab {@code slab}, which starts at {@code address}, back: by its address to the built-in regions
     * ({@link #byAddress}), else as the very segment the provider returned. It no longer counts against the budget
     * even if the provider throws.
     *
     * @throws SlabException when the provider throws
     */
    void give(int slab, long address) {
        heldSlabs--;
        if (file != null) {
            return; // a file's slabs stay in it; the file is unmapped as a whole on close
        }
        SlabEvents.SlabRelease event = SlabEvents.releaseStart();
        if (byAddress) {
            regions.freeForEngine(address);
            SlabEvents.released(event, identity, slabSize, heldSlabs);
            return;
        }
        MemorySegment segment = held[slab];
        held[slab] = null;
        if (regions == null) {
            ProviderChecks.unclaim(segment);
        }
        try {
            memory.free(segment);
        } catch (RuntimeException e) {
            throw ProviderChecks.threw(memory, "free", e);
        }
        SlabEvents.released(event, identity, slabSize, heldSlabs);
    }
}
