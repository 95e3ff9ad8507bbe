package io.slabforge.stress;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabSync;
import io.slabforge.internal.SlabEngine;
import io.slabforge.internal.SlabGeometry;

/**
 * The engines the jcstress tests share. jcstress makes thousands of states per run, and at most 4095 caches can be
 * open at once, so the tests that need no close of their own share one striped LOCKED engine, each state racing
 * on handles of its own; the close tests build a small engine per state and close it.
 */
final class Engines {
    static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    /** Two stripes, so that actors land on different stripes and frees by the other actor are remote ones. */
    static final SlabEngine SHARED = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).stripes(2).build();

    /** Outcome codes of an operation. */
    static final int OK = 1;
    static final int INVALID = 2;
    static final int CLOSED = 3;
    static final int OTHER = 4;

    private Engines() {}

    static int outcome(Runnable operation) {
        try {
            operation.run();
            return OK;
        } catch (InvalidHandleException e) {
            return INVALID;
        } catch (IllegalStateException e) {
            return CLOSED;
        } catch (RuntimeException | Error e) {
            return OTHER;
        }
    }
}
