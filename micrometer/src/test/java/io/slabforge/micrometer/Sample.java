package io.slabforge.micrometer;

import io.slabforge.SlabType;

/** A record to cache in the tests. */
@SlabType
record Sample(long id, double value) {}
