package io.slabforge.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.slabforge.SlabSync;
import io.slabforge.internal.SlabEngine;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@code close()} racing a thread that allocates, writes, reads and frees, then frees a handle allocated before by
 * the thread that built the state (on the other stripe in about half the states: a remote free): each step sees success or {@code IllegalStateException} (closed) or
 * {@code InvalidHandleException}, never another exception, a fault or a hang; close succeeds; afterwards the cache
 * holds nothing.
 *
 * <p>r1: the allocate-write-read-free outcome; r2: the earlier handle's free; r3: close's; r4: 1 if closed with no slab held.
 */
@JCStressTest
@Outcome(id = {"[123], [123], 1, 1"}, expect = ACCEPTABLE, desc = "success, closed, or refused; then nothing held")
@Outcome(expect = FORBIDDEN, desc = "another exception, a failed close, or memory left")
@State
public class CloseVsUse {
    private final SlabEngine engine = SlabEngine.builder(Engines.GEOMETRY).sync(SlabSync.LOCKED).stripes(2)
            .build();
    private final long earlier = engine.allocate();

    @Actor
    public void user(IIII_Result r) {
        r.r1 = Engines.outcome(() -> {
            long h = engine.allocate();
            engine.setLong(h, 0, 7);
            if (engine.getLong(h, 0) != 7 && !engine.isClosed()) {
                throw new AssertionError("lost write");
            }
            engine.free(h);
        });
        r.r2 = Engines.outcome(() -> engine.free(earlier));
    }


    @Actor
    public void closer(IIII_Result r) {
        r.r3 = Engines.outcome(engine::close);
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r4 = engine.isClosed() && engine.stats().slabs() == 0 && engine.stats().liveObjects() == 0 ? 1 : 0;
    }
}
