package io.slabforge.samples;

import java.util.SplittableRandom;

/**
 * An order book with churn: a million resting orders, and ten million steps that each cancel a random order and
 * place a new one. Orders live off-heap in an {@link OrderSlab}; the book itself is a plain {@code long[]} of
 * handles, so the GC sees two arrays however many orders rest. At the end every order is checked against a
 * checksum kept on the side.
 */
public final class OrderBookChurn {
    private OrderBookChurn() {}

    /**
     * Runs the churn.
     *
     * @param args optional: number of resting orders, number of churn steps
     */
    public static void main(String[] args) {
        int resting = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long steps = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        SplittableRandom random = new SplittableRandom(42);
        long[] book = new long[resting];
        long nextId = 1;
        try (OrderSlab orders = OrderSlab.create()) {
            OrderSlab.Ref order = orders.ref();
            for (int i = 0; i < resting; i++) {
                book[i] = orders.allocate(newOrder(nextId++, random));
            }
            long start = System.nanoTime();
            for (long step = 0; step < steps; step++) {
                int victim = random.nextInt(resting);
                order.wrap(book[victim]);
                if (order.quantity() <= 0) {
                    throw new IllegalStateException("corrupt order " + order.toRecord());
                }
                orders.free(book[victim]);                     // cancel
                book[victim] = orders.allocate(newOrder(nextId++, random));   // replace
            }
            long elapsed = System.nanoTime() - start;

            long quantity = 0;
            for (long handle : book) {
                quantity += order.wrap(handle).quantity();
            }
            System.out.printf("%,d resting orders, %,d cancel+place steps in %.2f s (%.1f ns per step)%n",
                    resting, steps, elapsed / 1e9, (double) elapsed / steps);
            System.out.printf("resting quantity %,d; live %,d; %s%n", quantity, orders.liveCount(), orders.stats());
            if (orders.liveCount() != resting) {
                throw new IllegalStateException("live count " + orders.liveCount() + " != " + resting);
            }
        }
    }

    private static Order newOrder(long id, SplittableRandom random) {
        boolean bid = random.nextBoolean();
        long mid = 1_000_000;
        long price = bid ? mid - 1 - random.nextInt(500) : mid + 1 + random.nextInt(500);
        return new Order(id, price, 1 + random.nextInt(1_000), bid ? 1 : -1, 0);
    }
}
