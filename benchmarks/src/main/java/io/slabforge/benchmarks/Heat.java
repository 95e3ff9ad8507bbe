package io.slabforge.benchmarks;

import io.slabforge.SlabType;

/** A column record for {@link ColumnBenchmark}: one Heat per Particle, addressed by the particle's handle. */
@SlabType(slabSize = 4096)
public record Heat(double t, int n, int unused) {}
