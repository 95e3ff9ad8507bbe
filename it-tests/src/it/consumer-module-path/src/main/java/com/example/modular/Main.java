package com.example.modular;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (Main.class.getModule().getName() == null || PointSlab.class.getModule() != Main.class.getModule()) {
            throw new AssertionError("not running on the module path");
        }
        if (!"io.slabforge".equals(io.slabforge.SlabStats.class.getModule().getName())) {
            throw new AssertionError("runtime not loaded as the named module io.slabforge");
        }
        try (PointSlab slab = PointSlab.create()) {
            long h = slab.allocate(new Point(3, 4));
            if (slab.x(h) * slab.x(h) + slab.y(h) * slab.y(h) != 25) {
                throw new AssertionError("round trip failed: " + slab.get(h));
            }
        }
        System.out.println("consumer-module-path OK");
    }
}
