package com.example;

import io.slabforge.SlabType;

/** Components named like the locals and fields of the generated allocate path. */
@SlabType
public record Locals(long slab, double base, int engine, int value) {}
