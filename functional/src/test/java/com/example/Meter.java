package com.example;

import io.slabforge.SlabType;

/** Embeds Counter, whose @Atomic fields keep their atomic accessors when flattened. */
@SlabType
public record Meter(int id, Counter counter) {}
