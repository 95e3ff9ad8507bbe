package com.example;

import io.slabforge.SlabType;

@SlabType
public record Vec3(double x, double y, double z) {}
