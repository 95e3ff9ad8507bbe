package com.example;

import io.slabforge.SlabType;

@SlabType(cacheName = "NamedCache")
public record Named(int value) {}
