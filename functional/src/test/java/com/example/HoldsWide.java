package com.example;

import io.slabforge.SlabType;

/** Embeds a 16-aligned record: it lands at offset 16 and the slot becomes 16-aligned, 32 bytes. */
@SlabType
public record HoldsWide(int id, Wide16 inner) {}
