package io.slabforge.internal;

import java.lang.foreign.MemorySegment;

/**
 * All native memory as one segment. A {@linkplain SlabEngine#isDirect() direct} engine reads and writes its slabs
 * through it at their addresses: a {@code static final} segment whose bounds, liveness and alignment checks the JIT
 * folds away. Made with a restricted method, so touched only when the runtime has native access (else the JDK
 * would warn in every program that uses Slabforge); a holder class, so that loading the engine calls nothing
 * restricted. Never leaves this package: every access through it is one the engine bounded to a slot it holds.
 */
final class Everything {
    @SuppressWarnings("restricted") // initialised only when the engine has native access: see the class comment
    static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Everything() {}
}
