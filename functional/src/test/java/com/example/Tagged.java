package com.example;

import io.slabforge.Length;
import io.slabforge.SlabType;

/** Strings at odd offsets, embedded, and components named like every generated member that has a rename. */
@SuppressWarnings("slabforge.layout")
@SlabType(slabSize = 4096)
public record Tagged(@Length(1) String one, Label label, int get, long segment, int free, int stats, int ref,
                     int box) {
    /** Embedded with a string. */
    @SlabType
    public record Label(int id, @Length(7) String name) {}
}
