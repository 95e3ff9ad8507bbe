package com.example;

import io.slabforge.Length;
import io.slabforge.SlabType;

/** Every supported component type. */
@SuppressWarnings("slabforge.layout")
@SlabType(slabSize = 8192)
public record Order(
        long id,
        boolean active,
        byte b,
        short s,
        char c,
        int qty,
        float f,
        double price,
        Side side,
        @Length(8) byte[] symbol,
        @Length(3) boolean[] flags,
        @Length(2) char[] code,
        @Length(4) int[] ints,
        @Length(2) long[] longs,
        @Length(2) float[] floats,
        @Length(2) double[] doubles,
        @Length(3) short[] shorts,
        Vec3 pos) {}
