package io.slabforge.benchmarks;

import io.slabforge.SlabType;

/**
 * {@link Particle} in 64 KiB slabs (2048 slots per slab), for the footprint comparison: bigger slabs spread the
 * per-slab heap counters over more objects.
 *
 * @param x position
 * @param y position
 * @param z position
 * @param id identity
 * @param flags state bits
 */
@SlabType(slabSize = 65536)
public record Particle64K(double x, double y, double z, int id, int flags) {}
