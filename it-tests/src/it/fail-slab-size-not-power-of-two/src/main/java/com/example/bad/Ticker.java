package com.example.bad;

import io.slabforge.SlabType;

@SlabType(slabSize = 1000)
public record Ticker(long id, double price) {}
