package io.slabforge.samples;

import io.slabforge.InvalidHandleException;

/**
 * The README quick start: allocate, read and write in place, walk with one flyweight, own a slot with a box,
 * and see a stale handle caught.
 */
public final class QuickStart {
    private QuickStart() {}

    /**
     * Runs the quick start.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try (ParticleSlab slab = ParticleSlab.create()) {
            long h = slab.allocate(new Particle(1, 2, 3, 42, 0));
            slab.x(h, 9.5);                                   // write in place
            System.out.println("x = " + slab.x(h));           // read in place

            long[] handles = new long[1_000];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = slab.allocate(new Particle(i, 0, 0, i, 0));
            }
            ParticleSlab.Ref r = slab.ref();                  // one flyweight, many slots
            double sum = 0;
            for (long each : handles) {
                sum += r.wrap(each).x();
            }
            System.out.println("sum of x over " + handles.length + " particles = " + sum);

            try (ParticleSlab.Box b = slab.box()) {           // freed on close
                b.id(7);
                System.out.println("boxed particle: " + b.toRecord());
            }
            System.out.println("stats: " + slab.stats());

            slab.free(h);
            try {
                slab.x(h);                                    // stale handle
            } catch (InvalidHandleException e) {
                System.out.println("caught: " + e.getMessage());
            }
        }
    }
}
