package com.example;

import io.slabforge.SlabType;

/** align above the natural alignment: 8 bytes of data, 16-byte slots. */
@SlabType(align = 16)
public record Wide16(long a) {}
