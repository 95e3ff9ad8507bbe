package com.example.consumer;

import io.slabforge.SlabType;

/** An OHLC bar exactly as users write it; close is accessed as closeValue (see the README's naming rule). */
@SlabType(slabSize = 4096)
public record Bar(long time, double open, double high, double low, double close, long volume) {}
