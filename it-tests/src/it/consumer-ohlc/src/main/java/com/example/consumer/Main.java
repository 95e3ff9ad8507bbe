package com.example.consumer;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Bar bar = new Bar(1_700_000_000L, 189.5, 191.25, 188.0, 190.75, 1_234_567);
        try (BarSlab bars = BarSlab.create()) {
            long h = bars.allocate(bar);
            check(bars.get(h).equals(bar), "round trip");
            check(bars.closeValue(h) == 190.75, "closeValue");
            bars.closeValue(h, 191.0);
            check(bars.get(h).close() == 191.0, "closeValue written");
            check(bars.ref(h).closeValue() == 191.0, "Ref.closeValue");
            try (BarSlab.Box box = bars.box()) {
                box.closeValue(1.0).high(2.0);
                check(box.toRecord().equals(new Bar(0, 0, 2.0, 0, 1.0, 0)), "Box");
            }
            check(bars.liveCount() == 1, "Box.close() freed its slot");
        }
        System.out.println("consumer-ohlc OK");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
