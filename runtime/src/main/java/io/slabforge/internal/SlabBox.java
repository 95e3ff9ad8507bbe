package io.slabforge.internal;

import io.slabforge.SlabSync;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;

/**
 * An owner of one slot that frees it on {@link #close()}. Generated caches'
 * {@code Box} classes extend it with the record's accessors.
 *
 * <pre>{@code
 * try (ParticleSlab.Box b = slab.box()) {
 *     b.id(7);
 * }   // freed here
 * }</pre>
 *
 * <p>{@code close()} frees the slot once; a second {@code close()} is harmless, and {@code close()} after the cache
 * was closed does nothing. On a {@link SlabSync#LOCKED} cache any thread may close a box (exactly one of racing
 * closers frees it); on a {@link SlabSync#CONFINED} one another thread gets {@link WrongThreadException}.
 *
 * <p>A box that becomes unreachable without {@code close()} is a leak: its cache reports it (always under
 * {@link io.slabforge.LeakDetection#PARANOID}, about one in 128 under {@code SAMPLED}, never under {@code OFF}) and its
 * slot is freed by the cache's next {@code box()} call, on a thread allowed to use the cache (see {@link Leaks}).
 */
public abstract class SlabBox implements AutoCloseable {
    private static final VarHandle HANDLE;

    static {
        try {
            HANDLE = MethodHandles.lookup().findVarHandle(SlabBox.class, "handle", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The engine of the owned slot; the generated subclass's accessors call it. */
    protected final SlabEngine engine;
    @SuppressWarnings("unused") // accessed through HANDLE
    private volatile long handle;
    /** This box's leak record when its cache tracks it (LeakDetection), else null. */
    private final Leaks.BoxLeak leak;

    /**
     * Takes ownership of a live handle.
     *
     * @param engine the engine the handle belongs to
     * @param handle a live handle of {@code engine}
     */
    protected SlabBox(SlabEngine engine, long handle) {
        this.engine = engine;
        this.handle = handle;
        this.leak = engine.trackBox(this, handle);
    }

    /**
     * The handle this box owns, or 0 once it is closed (0 is never a valid handle, so accessors then throw
     * {@link io.slabforge.InvalidHandleException}).
     *
     * @return the owned handle, or 0
     */
    public final long handle() {
        return handle;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public final boolean isClosed() {
        return handle == 0;
    }

    /** Frees the slot; idempotent; a no-op once the cache is closed. */
    @Override
    public final void close() {
        engine.checkThread();
        long owned = (long) HANDLE.getAndSet(this, 0L);
        if (owned != 0) {
            engine.freeUnlessClosed(owned);
        }
        Leaks.BoxLeak tracked = leak;
        if (tracked != null) {
            tracked.dismiss();
        }
        Reference.reachabilityFence(this); // not reported as leaked while it is being closed
    }

    /**
     * The box's type and its handle described (hex, cache tag, slab, slot, generation), or that it is closed.
     *
     * @return the description, for logs
     */
    @Override
    public final String toString() {
        Class<?> type = getClass();
        String name = type.getEnclosingClass() != null
                ? type.getEnclosingClass().getSimpleName() + "." + type.getSimpleName() : type.getSimpleName();
        long owned = handle;
        return name + "[" + (owned == 0 ? "closed" : engine.describe(owned)) + "]";
    }
}
