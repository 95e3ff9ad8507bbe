package com.example;

import io.slabforge.SlabType;

/** An OHLC bar: close is also a generated member's name, so its accessors are closeValue. */
@SlabType(slabSize = 4096)
public record Bar(long time, double open, double high, double low, double close, long volume) {}
