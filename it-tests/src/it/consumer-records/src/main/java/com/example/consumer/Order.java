package com.example.consumer;

import io.slabforge.Length;
import io.slabforge.SlabType;

@SlabType(slabSize = 4096)
public record Order(long id, @Length(12) String symbol, Side side, int qty, double px) {
    public enum Side { BUY, SELL }
}
