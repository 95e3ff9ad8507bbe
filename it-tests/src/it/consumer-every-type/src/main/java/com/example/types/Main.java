package com.example.types;

import io.slabforge.InvalidHandleException;
import java.util.Arrays;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        try (TradeSlab slab = TradeSlab.create()) {
            long[] handles = new long[1_000];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = slab.allocate(trade(i));
            }
            TradeSlab.Ref ref = slab.ref();
            for (int i = 0; i < handles.length; i++) {
                same(trade(i), slab.get(handles[i]));
                same(trade(i), ref.wrap(handles[i]).toRecord());
            }
            long h = handles[7];
            slab.side(h, Side.BUY);
            slab.symbol(h, 0, (byte) 'Z');
            slab.posY(h, -1.5);
            check(slab.side(h) == Side.BUY, "enum in place");
            check(slab.symbol(h, 0) == 'Z', "array element in place");
            check(slab.pos(h).equals(new Vec3(7, -1.5, 9)), "embedded field in place: " + slab.pos(h));
            check(ref.wrap(h).posX() == 7, "embedded field through Ref");
            try (TradeSlab.Box box = slab.box()) {
                box.qty(5).ints(3, 6).pos(new Vec3(1, 2, 3));
                check(box.qty() == 5 && box.ints(3) == 6 && box.posZ() == 3, "Box accessors");
            }
            try {
                slab.symbol(h, 8);
                check(false, "index 8 of a @Length(8) array accepted");
            } catch (IndexOutOfBoundsException expected) {
                // bounds-checked
            }
            slab.free(h);
            try {
                slab.get(h);
                check(false, "stale handle accepted");
            } catch (InvalidHandleException expected) {
                // generation-checked
            }
            check(slab.liveCount() == handles.length - 1, "live count");
        }
        System.out.println("consumer-every-type OK");
    }

    static Trade trade(int n) {
        return new Trade(n, n % 2 == 0, (byte) n, (short) -n, (char) ('a' + n % 26), n * 3, n / 2f, n * 1.25,
                n % 2 == 0 ? Side.BUY : Side.SELL,
                new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) n}, new boolean[] {true, false, n % 2 == 0},
                new char[] {'x', (char) n}, new int[] {n, -n, Integer.MAX_VALUE, Integer.MIN_VALUE},
                new long[] {Long.MIN_VALUE, n}, new float[] {Float.NaN, n}, new double[] {-0.0, n},
                new short[] {1, Short.MIN_VALUE, (short) n}, new Vec3(n, n + 1, n + 2));
    }

    static void same(Trade expected, Trade actual) {
        check(expected.id() == actual.id() && expected.active() == actual.active() && expected.b() == actual.b()
                && expected.s() == actual.s() && expected.c() == actual.c() && expected.qty() == actual.qty()
                && Float.compare(expected.f(), actual.f()) == 0 && Double.compare(expected.price(), actual.price()) == 0
                && expected.side() == actual.side()
                && Arrays.equals(expected.symbol(), actual.symbol()) && Arrays.equals(expected.flags(), actual.flags())
                && Arrays.equals(expected.code(), actual.code()) && Arrays.equals(expected.ints(), actual.ints())
                && Arrays.equals(expected.longs(), actual.longs()) && Arrays.equals(expected.floats(), actual.floats())
                && Arrays.equals(expected.doubles(), actual.doubles())
                && Arrays.equals(expected.shorts(), actual.shorts()) && expected.pos().equals(actual.pos()),
                "round trip of " + expected.id());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
