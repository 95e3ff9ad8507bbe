package com.example.consumer;

import io.slabforge.SlabType;

@SlabType(slabSize = 4096)
public record Fill(long time, int filled) {}
