package com.example;

import io.slabforge.SlabType;

/** A column record: one Fill per Quote. */
@SlabType(slabSize = 4096)
public record Fill(long time, int filled) {}
