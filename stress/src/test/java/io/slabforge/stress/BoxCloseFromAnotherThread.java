package io.slabforge.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.slabforge.internal.SlabBox;
import io.slabforge.internal.SlabEngine;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A box closed by two threads at once, neither the one that allocated it: both calls return normally, the slot is
 * freed exactly once (a second free would throw inside {@code close()}), and the box reads as closed.
 *
 * <p>r1, r2: the two closes' outcomes; r3: 1 if the box is closed and its handle stale.
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "both closes return; freed once")
@Outcome(expect = FORBIDDEN, desc = "a close threw, or the slot stayed live")
@State
public class BoxCloseFromAnotherThread {
    /** A box of an untyped slot, as generated boxes are of a record's. */
    static final class Box extends SlabBox {
        Box(SlabEngine engine, long handle) {
            super(engine, handle);
        }
    }

    private final SlabEngine engine = Engines.SHARED;
    private final long handle = engine.allocate();
    private final Box box = new Box(engine, handle);

    @Actor
    public void first(III_Result r) {
        r.r1 = Engines.outcome(box::close);
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = Engines.outcome(box::close);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = box.isClosed() && !engine.isLive(handle) ? 1 : 0;
    }
}
