package com.example;

import io.slabforge.SlabType;

final class Other {
    private Other() {}

    /** Same simple name as Outer.Point: the caches are Outer_PointSlab and Other_PointSlab. */
    @SlabType(slabSize = 1024)
    record Point(int x, int y) {}
}
