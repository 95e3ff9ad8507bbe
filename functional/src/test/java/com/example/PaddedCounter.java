package com.example;

import io.slabforge.Atomic;
import io.slabforge.SlabType;

/**
 * One counter per 128 bytes (two cache lines), so that threads counting in neighbouring slots do not share a line:
 * 120 bytes of trailing padding, more than zeroPadding clears store by store.
 */
@SlabType(align = 128)
public record PaddedCounter(@Atomic long count) {}
