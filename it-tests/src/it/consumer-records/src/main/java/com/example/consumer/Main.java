package com.example.consumer;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabCache;
import java.util.ConcurrentModificationException;

/** The example as a consumer writes it: a bounded string, a column keyed by the orders, a scan. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        try (OrderSlab book = OrderSlab.create()) {
            long h = book.allocate(new Order(1, "AAPL", Order.Side.BUY, 100, 189.5));
            check("AAPL".equals(book.symbol(h)), "symbol " + book.symbol(h));
            book.symbol(h, "MSFT");
            check(book.symbolEquals(h, "MSFT"), "symbolEquals");
            book.symbol(h, "Zürich€");
            check(book.get(h).symbol().equals("Zürich€"), "multi-byte round trip");
            try {
                book.symbol(h, "THIRTEEN BYTE");
                check(false, "a 13-byte symbol was accepted");
            } catch (IllegalArgumentException expected) {
                check(expected.getMessage().contains("Order.symbol is 13 bytes"), expected.getMessage());
            }
            FillSlab.Column fills = FillSlab.columnOf(book);
            fills.filled(h, 40);
            long h2 = book.allocate(new Order(2, "GOOG", Order.Side.SELL, 50, 140));
            check(fills.filled(h2) == 0, "a new order's fill is zero");
            fills.filled(h2, 2);
            int[] total = {0};
            long[] filled = {0};
            book.scan(r -> {
                total[0] += r.qty();
                filled[0] += fills.filled(r.handle());
            });
            check(total[0] == 150 && filled[0] == 42, "scan " + total[0] + " " + filled[0]);
            try {
                book.scan(r -> book.allocate());
                check(false, "allocation during scan not reported");
            } catch (ConcurrentModificationException expected) {
                // the cache stays consistent
            }
            book.free(h);
            try {
                fills.filled(h);
                check(false, "stale handle accepted by the column");
            } catch (InvalidHandleException expected) {
                // validated by the primary's generations
            }
            SlabCache any = book;
            check(any.liveCount() == 2 && any.layout() == OrderSlab.LAYOUT, "SlabCache view");
        }
        System.out.println("consumer-records OK");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
