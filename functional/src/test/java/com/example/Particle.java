package com.example;

import io.slabforge.SlabType;

@SlabType(slabSize = 4096)
public record Particle(double x, double y, double z, int id, int flags) {}
