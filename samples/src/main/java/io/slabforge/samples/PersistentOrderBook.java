package io.slabforge.samples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * An order book kept in a file. The first run builds a book of resting orders, saves their handles (plain longs)
 * to a side file, flushes and exits; every later run re-attaches to the cache file, finds every order under its
 * saved handle, prints what it found, then carries on trading (cancels and places orders) and saves the book
 * again. Kill it at any moment with {@code kill -9}: the next run finds every order placed before the kill (the
 * cache is the book; the side file, written at the end of a session, may then be behind it, and the run says how
 * many saved handles were cancelled after it was written).
 */
public final class PersistentOrderBook {
    private PersistentOrderBook() {}

    /**
     * Runs one session of the book.
     *
     * @param args optional: the cache file (default {@code target/orderbook.slab}), number of resting orders,
     *     trades per session
     * @throws IOException if the side file of handles cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "target/orderbook.slab");
        int resting = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int trades = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        Path handles = Path.of(file + ".handles");
        boolean first = !Files.exists(handles);
        long start = System.nanoTime();
        try (OrderSlab orders = OrderSlab.open(file)) {
            long attached = System.nanoTime() - start;
            long[] book;
            long nextId;
            if (first) {
                SplittableRandom random = new SplittableRandom(42);
                book = new long[resting];
                for (int i = 0; i < resting; i++) {
                    book[i] = orders.allocate(newOrder(i + 1, random));
                }
                nextId = resting + 1;
                System.out.printf("first run: built a book of %,d orders in %s%n", orders.liveCount(), file);
            } else {
                long[] saved = load(handles);
                int stillLive = 0;
                for (long h : saved) {
                    if (orders.isLive(h)) {                 // a handle saved by the previous run
                        Order order = orders.get(h);
                        if (order.quantity() <= 0 || order.orderId() <= 0) {
                            throw new IllegalStateException("corrupt order under " + orders.describe(h) + ": "
                                    + order);
                        }
                        stillLive++;
                    }
                }
                book = new long[(int) orders.liveCount()];
                int[] n = {0};
                orders.forEach(h -> book[n[0]++] = h);      // the cache is the book
                long maxId = 0;
                long volume = 0;
                for (long h : book) {
                    maxId = Math.max(maxId, orders.orderId(h));
                    volume += orders.quantity(h);
                }
                nextId = maxId + 1;
                System.out.printf("re-attached to %s in %.1f ms: %,d orders, volume %,d%n", file, attached / 1e6,
                        book.length, volume);
                System.out.printf("  %,d of %,d saved handles name their orders; e.g. %s is %s%n", stillLive,
                        saved.length, orders.describe(saved[0]), orders.isLive(saved[0]) ? orders.get(saved[0])
                                                                                           : "cancelled");
                System.out.printf("  stats: %s%n", orders.stats());
            }
            SplittableRandom random = new SplittableRandom(nextId);
            for (int t = 0; t < trades; t++) {
                int victim = random.nextInt(book.length);
                orders.free(book[victim]);                                    // cancel
                book[victim] = orders.allocate(newOrder(nextId++, random));   // place
            }
            save(handles, book);
            orders.flush();                                                   // survive an OS crash too
            System.out.printf("traded %,d cancel+place pairs; %,d orders rest, next order id %,d%n", trades,
                    orders.liveCount(), nextId);
        }
    }

    private static Order newOrder(long id, SplittableRandom random) {
        return new Order(id, 10_000 + random.nextInt(-500, 500), 1 + random.nextInt(1_000),
                random.nextBoolean() ? 1 : -1, 0);
    }

    private static void save(Path path, long[] book) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(book.length * Long.BYTES);
        bytes.asLongBuffer().put(book);
        Path next = Path.of(path + ".next");
        Files.write(next, bytes.array());
        Files.move(next, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static long[] load(Path path) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path));
        long[] book = new long[bytes.remaining() / Long.BYTES];
        bytes.asLongBuffer().get(book);
        return book;
    }
}
