package io.slabforge.samples;

import io.slabforge.Length;
import io.slabforge.SlabType;

/** The primary of {@link EntityColumns}: what every entity has, its name included. */
@SlabType(slabSize = 4096)
public record Entity(int kind, int alive, @Length(16) String name) {}
