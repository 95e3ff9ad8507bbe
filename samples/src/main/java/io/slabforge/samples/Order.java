package io.slabforge.samples;

import io.slabforge.SlabType;

/** A resting order of an order book: 32 bytes off-heap. {@code side} is +1 for a bid, -1 for an ask. */
@SlabType(slabSize = 64 * 1024)
public record Order(long orderId, long priceTicks, long quantity, int side, int flags) {}
