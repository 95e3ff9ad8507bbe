package com.example.modular;

import io.slabforge.SlabType;

@SlabType(slabSize = 4096)
public record Point(long x, long y) {}
