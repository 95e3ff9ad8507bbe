package com.example.types;

import io.slabforge.SlabType;

@SlabType
public record Vec3(double x, double y, double z) {}
