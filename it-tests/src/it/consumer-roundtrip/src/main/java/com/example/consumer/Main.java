package com.example.consumer;

import io.slabforge.InvalidHandleException;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        try (ParticleSlab slab = ParticleSlab.create()) {
            Particle p = new Particle(1.5, -2.25, 3e10, 42, 0x7fff_0001);
            long h = slab.allocate(p);
            check(slab.get(h).equals(p), "get round-trips " + slab.get(h));
            slab.z(h, -0.0);
            check(Double.doubleToRawLongBits(slab.z(h)) == Double.doubleToRawLongBits(-0.0), "z in place");
            check(slab.ref(h).id() == 42, "ref reads id");
            slab.free(h);
            try {
                slab.x(h);
                check(false, "stale handle accepted");
            } catch (InvalidHandleException expected) {
                // the point of generation-checked handles
            }
        }
        System.out.println("consumer-roundtrip OK");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
