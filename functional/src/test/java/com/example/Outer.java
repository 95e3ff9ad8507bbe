package com.example;

import io.slabforge.SlabType;

public final class Outer {
    private Outer() {}

    @SlabType
    public record Point(int x, int y) {}
}
