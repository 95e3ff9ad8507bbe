package com.example.bad;

import io.slabforge.SlabType;

@SlabType(slabSize = 4096)
public record Tiny(short value) {}
