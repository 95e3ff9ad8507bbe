package com.example;

import io.slabforge.Length;
import io.slabforge.SlabType;

/** Embedding two levels deep: Shape -> Line -> Vec3. */
@SuppressWarnings("slabforge.layout")
@SlabType
public record Shape(int id, Line line, @Length(2) short[] tags) {}
