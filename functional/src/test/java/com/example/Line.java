package com.example;

import io.slabforge.SlabType;

@SlabType
public record Line(Vec3 a, Vec3 b) {}
