package io.slabforge;

/**
 * A consistent snapshot of a cache's occupancy and activity.
 *
 * @param slabs slabs currently held from the memory provider (including empty reserved ones)
 * @param slotSize bytes per slot
 * @param slotsPerSlab slots in every slab
 * @param liveObjects slots currently allocated
 * @param capacity slots in the held slabs ({@code slabs * slotsPerSlab})
 * @param reservedBytes bytes currently held from the provider ({@code slabs * slabSize})
 * @param usedBytes bytes of live slots ({@code liveObjects * slotSize})
 * @param freeBytes bytes of free slots in held slabs ({@code (capacity - liveObjects) * slotSize})
 * @param allocations successful allocations since the cache was built
 * @param frees frees since the cache was built
 */
public record SlabStats(
        long slabs,
        long slotSize,
        long slotsPerSlab,
        long liveObjects,
        long capacity,
        long reservedBytes,
        long usedBytes,
        long freeBytes,
        long allocations,
        long frees) {}
