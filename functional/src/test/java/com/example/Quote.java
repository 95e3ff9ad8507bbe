package com.example;

import io.slabforge.Length;
import io.slabforge.SlabType;

/** A record with a bounded string, as an order book holds it. */
@SuppressWarnings("slabforge.layout")
@SlabType(slabSize = 4096)
public record Quote(long id, @Length(12) String symbol, Side side, int qty, double px) {}
