package io.slabforge.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.slabforge.internal.SlabEngine;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two threads free the same handle at once (one of them, by its stripe, usually the pool's lease holder, the other
 * a remote free): exactly one succeeds, the other gets {@code InvalidHandleException}, and the cache counts one
 * free (r3: the slot is free and was handed out again exactly once to a new allocation).
 */
@JCStressTest
@Outcome(id = {"1, 2, 1", "2, 1, 1"}, expect = ACCEPTABLE, desc = "exactly one free wins")
@Outcome(expect = FORBIDDEN, desc = "both won (a double free accepted), neither won, or another exception")
@State
public class DoubleFreeRace {
    private final SlabEngine engine = Engines.SHARED;
    private final long handle = engine.allocate();

    @Actor
    public void first(III_Result r) {
        r.r1 = Engines.outcome(() -> engine.free(handle));
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = Engines.outcome(() -> engine.free(handle));
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = engine.isLive(handle) ? 0 : 1;
    }
}
