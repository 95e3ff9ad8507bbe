package io.slabforge.samples;

import io.slabforge.SlabType;

/** A particle of a simulation: 32 bytes off-heap per instance, no object header, no GC work. */
@SlabType(slabSize = 4096)
public record Particle(double x, double y, double z, int id, int flags) {}
