package io.slabforge.benchmarks;

import io.slabforge.SlabType;

/**
 * The benchmark's value type: 32 bytes, no padding. Its cache, {@code ParticleSlab}, uses the default slab size
 * (4 KiB, 128 slots per slab): the headline numbers are for what a user gets without tuning.
 *
 * @param x position
 * @param y position
 * @param z position
 * @param id identity
 * @param flags state bits
 */
@SlabType(slabSize = 4096)
public record Particle(double x, double y, double z, int id, int flags) {}
