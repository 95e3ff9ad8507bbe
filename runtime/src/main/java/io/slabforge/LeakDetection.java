package io.slabforge;

/**
 * How closely a cache watches for {@code Box}es that become unreachable without {@code close()}, and what an
 * unclosed cache reports when the garbage collector finds it. Set per cache with {@code builder().leakDetection(...)};
 * the default for every cache is {@link #SAMPLED}, or what the system property {@code io.slabforge.leakDetection}
 * ({@code OFF}, {@code SAMPLED} or {@code PARANOID}, any case) says when the runtime is first used.
 *
 * <pre>{@code
 * ParticleSlab slab = ParticleSlab.builder()
 *         .name("particles")
 *         .leakDetection(LeakDetection.PARANOID)   // every box, with the stack trace of where it was created
 *         .build();
 * }</pre>
 *
 * <p>A leak is reported once, to {@code System.Logger} {@code "io.slabforge"} at {@code WARNING} and as the JFR
 * event {@code io.slabforge.Leak}. The slot of a leaked box is freed by the cache's next {@code box()} call, on a
 * thread allowed to use the cache (never by the garbage collector's cleaner thread, which a {@code CONFINED} cache
 * must not see); the memory of an unclosed cache is always given back and its tag released, whatever the level
 * (README, "Leaks").
 */
public enum LeakDetection {
    /** No box is tracked and no report is made; an unclosed cache is still reclaimed, silently. */
    OFF,
    /** About one box in 128 is tracked (Netty's default rate); unclosed caches are reported without a creation site. */
    SAMPLED,
    /**
     * Every box is tracked with the stack trace of where it was created (a few microseconds per box), and every
     * cache records where it was built.
     */
    PARANOID
}
