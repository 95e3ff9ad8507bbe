package com.example;

import io.slabforge.Atomic;
import io.slabforge.SlabType;

@SlabType
public record Counter(@Atomic long hits, @Atomic int misses, int id) {}
