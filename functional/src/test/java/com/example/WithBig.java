package com.example;

import io.slabforge.SlabType;

@SlabType
public record WithBig(Big big, int x) {}
