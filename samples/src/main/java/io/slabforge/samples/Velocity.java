package io.slabforge.samples;

import io.slabforge.SlabType;

/** A column of {@link EntityColumns}: how fast each entity moves. */
@SlabType(slabSize = 4096)
public record Velocity(double dx, double dy) {}
