package io.slabforge.internal;

/** A box as generated code makes one: {@code new Box(engine, engine.allocate())}. */
final class TestBox extends SlabBox {
    TestBox(SlabEngine engine) {
        super(engine, engine.allocate());
    }

    long value() {
        return engine.getLong(handle(), 0);
    }

    TestBox value(long v) {
        engine.setLong(handle(), 0, v);
        return this;
    }
}
