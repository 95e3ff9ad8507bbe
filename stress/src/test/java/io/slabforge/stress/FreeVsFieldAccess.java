package io.slabforge.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.slabforge.InvalidHandleException;
import io.slabforge.internal.SlabEngine;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * A field read and a field write racing a free of the same handle by another thread: never a fault and never an
 * exception but {@code InvalidHandleException}. The read sees the value, or is refused; a write that passed
 * validation just before the free lands in the (freed) slot of this cache, which the next allocation zeroes.
 *
 * <p>r1: the value read (42), -1 when refused, -2 for another value (validated just before the free, read just
 * after it: the next owner's value, or the free list's link in the freed slot); r2: 1 if the write went through,
 * -1 when refused. An exception other than {@code InvalidHandleException}, in either, is -9.
 */
@JCStressTest
@Outcome(id = {"42, 1", "42, -1", "-1, 1", "-1, -1"}, expect = ACCEPTABLE, desc = "the value, or refused")
@Outcome(id = {"-2, 1", "-2, -1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "validated, then the slot was freed (and maybe reused) before the read: a stale value, no fault")
@Outcome(expect = FORBIDDEN, desc = "an exception other than InvalidHandleException, or a fault")
@State
public class FreeVsFieldAccess {
    private final SlabEngine engine = Engines.SHARED;
    private final long handle;

    public FreeVsFieldAccess() {
        handle = engine.allocate();
        engine.setLong(handle, 0, 42);
        engine.setLong(handle, 8, 42);
    }

    @Actor
    public void reader(JJ_Result r) {
        try {
            long value = engine.getLong(handle, 0);
            r.r1 = value == 42 ? 42 : -2;
        } catch (InvalidHandleException e) {
            r.r1 = -1;
        } catch (RuntimeException e) {
            r.r1 = -9;
        }
        try {
            engine.setLong(handle, 8, 42);
            r.r2 = 1;
        } catch (InvalidHandleException e) {
            r.r2 = -1;
        } catch (RuntimeException e) {
            r.r2 = -9;
        }
    }

    @Actor
    public void freer() {
        engine.free(handle);
    }
}
