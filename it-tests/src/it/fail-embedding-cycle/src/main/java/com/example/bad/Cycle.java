package com.example.bad;

import io.slabforge.SlabType;

public final class Cycle {
    private Cycle() {}

    @SlabType(slabSize = 4096)
    public record A(long id, B b) {}

    @SlabType(slabSize = 4096)
    public record B(long id, A a) {}
}
