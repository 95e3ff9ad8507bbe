package io.slabforge.samples;

import io.slabforge.SlabType;

/** A column of {@link EntityColumns}: where each entity is. */
@SlabType(slabSize = 4096)
public record Position(double x, double y) {}
