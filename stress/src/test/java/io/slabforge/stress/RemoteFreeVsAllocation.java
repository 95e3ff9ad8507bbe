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
 * A free by one thread racing another thread's allocation on the same cache: the allocation never returns the
 * handle being freed (a handle is never handed out twice), the free succeeds, the new object keeps what its
 * owner wrote, and the freed handle is stale afterwards.
 *
 * <p>r1: 1 if the allocation returned the freed handle; r2: the free's outcome; r3: 1 if the new object held its
 * value and the freed handle was stale at the end.
 */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "a fresh handle; the free succeeded; nothing lost")
@Outcome(expect = FORBIDDEN, desc = "a handle handed out twice, a failed free, or a lost write")
@State
public class RemoteFreeVsAllocation {
    private static final long COOKIE = 0x5EED_C0DE_1234_5678L;
    private final SlabEngine engine = Engines.SHARED;
    private final long freed = engine.allocate();
    private long allocated;

    @Actor
    public void allocator(III_Result r) {
        long h = engine.allocate();
        engine.setLong(h, 0, COOKIE);
        allocated = h;
        r.r1 = h == freed ? 1 : 0;
    }

    @Actor
    public void freer(III_Result r) {
        r.r2 = Engines.outcome(() -> engine.free(freed));
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = engine.getLong(allocated, 0) == COOKIE && !engine.isLive(freed) ? 1 : 0;
        engine.free(allocated);
    }
}
