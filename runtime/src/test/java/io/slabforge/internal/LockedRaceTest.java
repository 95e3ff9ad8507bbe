package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabSync;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The races of a {@code LOCKED} cache's lease and remote-free paths, each with its outcome table stated the way
 * jcstress states one (the {@code stress} module runs the same races under jcstress, with native access); these run
 * in every build, with and without native access (the {@code no-native-access} execution), on the direct path and
 * on the region path. Each round starts both sides at a barrier; the outcomes seen are counted and printed.
 */
@ExtendWith(Seeds.class)
class LockedRaceTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final int ROUNDS = Integer.getInteger("slabforge.race.rounds", 3_000);

    private static final String OK = "ok";
    private static final String INVALID = "InvalidHandleException";
    private static final String CLOSED = "IllegalStateException";

    private static String outcome(Runnable operation) {
        try {
            operation.run();
            return OK;
        } catch (InvalidHandleException e) {
            return INVALID;
        } catch (IllegalStateException e) {
            return CLOSED;
        } catch (RuntimeException | Error e) {
            return e.toString();
        }
    }

    /** Runs {@code a} and {@code b} on two threads released together; the two outcomes, "a | b". */
    private static String race(Runnable a, Runnable b) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicReference<String> other = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                start.await(10, TimeUnit.SECONDS);
                other.set(outcome(b));
            } catch (Exception e) {
                other.set(e.toString());
            }
        });
        start.await(10, TimeUnit.SECONDS);
        String mine = outcome(a);
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(!thread.isAlive(), "the racing thread hangs");
        return mine + " | " + other.get();
    }

    /**
     * Two threads free one handle: the allocating thread (its stripe's lease holder) and another (a remote free).
     *
     * <pre>
     *  outcome (owner | remote)                 expect
     *  ok | InvalidHandleException              acceptable: the owner's CAS on the word won
     *  InvalidHandleException | ok              acceptable: the remote CAS won
     *  ok | ok                                  FORBIDDEN: a double free accepted
     *  anything else                            FORBIDDEN
     * </pre>
     */
    @Test
    void anOwnerFreeRacingARemoteFreeOfTheSameHandle() throws Exception {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).stripes(2).build()) {
            Map<String, Integer> seen = new TreeMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                long h = engine.allocate();
                String result = race(() -> engine.free(h), () -> engine.free(h));
                seen.merge(result, 1, Integer::sum);
                assertTrue(result.equals(OK + " | " + INVALID) || result.equals(INVALID + " | " + OK),
                        Seeds.msg("forbidden outcome " + result + " in round " + round));
            }
            System.out.println("owner free vs remote free of one handle: " + seen);
            assertEquals(0, engine.liveCount());
            PoolConsistency.assertConsistent(engine);
        }
    }

    /**
     * The owner allocating while another thread frees the owner's objects (remote frees it collects when its
     * magazine runs dry): no handle is handed out while live, each object keeps its value.
     *
     * <pre>
     *  outcome                                           expect
     *  the new handle is not the freed one, both ok      acceptable
     *  the freed handle returned again, or a failure     FORBIDDEN
     * </pre>
     */
    @Test
    void anAllocationRacingARemoteFreeNeverHandsOutALiveSlot() throws Exception {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).stripes(2).build()) {
            long[] fresh = new long[1];
            for (int r = 0; r < ROUNDS; r++) {
                int round = r;
                long old = engine.allocate();
                engine.setLong(old, 0, round);
                String result = race(() -> {
                    fresh[0] = engine.allocate();
                    engine.setLong(fresh[0], 0, -round);
                }, () -> engine.free(old));
                assertEquals(OK + " | " + OK, result, Seeds.msg("round " + round));
                assertTrue(fresh[0] != old && !engine.isLive(old), Seeds.msg("round " + round));
                assertEquals(-round, engine.getLong(fresh[0], 0), Seeds.msg("round " + round));
                engine.free(fresh[0]);
            }
            assertEquals(0, engine.liveCount());
            PoolConsistency.assertConsistent(engine);
        }
    }

    /**
     * {@code close()} racing a thread that allocates, writes, reads and frees, then frees remotely a handle of the
     * other stripe (the "bug found on the way", now on the lease path).
     *
     * <pre>
     *  user's outcome                                     expect
     *  ok, IllegalStateException, InvalidHandleException  acceptable
     *  any other exception, a fault, a hang               FORBIDDEN
     *  after both: closed, no slab held, no live object   required
     * </pre>
     */
    @Test
    void closeRacingAUserOfBothPathsLeavesOnlyClosedOrInvalid() throws Exception {
        Map<String, Integer> seen = new TreeMap<>();
        for (int round = 0; round < ROUNDS / 3; round++) {
            CountingMemory memory = new CountingMemory("close-race");
            SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).stripes(2).memory(memory).build();
            long[] other = {0};
            Thread.ofPlatform().start(() -> other[0] = engine.allocate()).join();
            String result = race(() -> {
                long h = engine.allocate();
                engine.setLong(h, 0, 9);
                engine.getLong(h, 0);
                engine.free(h);
                engine.free(other[0]);
            }, engine::close);
            seen.merge(result, 1, Integer::sum);
            assertTrue(result.endsWith(" | " + OK), Seeds.msg("close failed: " + result));
            String user = result.substring(0, result.indexOf(" | "));
            assertTrue(user.equals(OK) || user.equals(CLOSED) || user.equals(INVALID),
                    Seeds.msg("forbidden outcome " + result + " in round " + round));
            assertTrue(engine.isClosed());
            assertEquals(0, engine.stats().slabs());
            assertEquals(0, memory.outstanding(), "every slab back with the provider");
        }
        System.out.println("close vs allocate/write/read/free + remote free: " + seen);
    }
}
