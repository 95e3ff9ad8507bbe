package com.example;

import io.slabforge.SlabType;

/** Padding after a, and trailing padding after c: 1 + 7 + 8 + 2 + 6 = 24 bytes. */
@SuppressWarnings("slabforge.layout")
@SlabType(slabSize = 1024)
public record Mixed(byte a, long b, short c) {}
