package io.slabforge.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The remote-free ring of one pool of a {@code LOCKED} cache: handles freed by threads that do not hold the pool,
 * waiting for the pool's next holder to collect them (mimalloc's per-page {@code thread_free} list, kept on the
 * heap). Many producers, one consumer at a time: JCTools' {@code MpscArrayQueue}, reduced to {@code long}s.
 *
 * <pre>
 *  producers (any thread, no lock):  p = producerIndex; CAS p → p + 1; buffer[p &amp; mask] = handle  (release)
 *  consumer (the pool's holder):     h = buffer[c &amp; mask] (acquire); 0 → nothing yet; buffer[..] = 0;
 *                                    consumerIndex = c + 1 (release: producers may reuse the cell)
 * </pre>
 *
 * <p>Its slot's generation word was already moved on, with a CAS, by the thread that freed it, before the handle
 * is offered here: the handle is stale the moment {@code free} returns, and of two threads freeing one handle
 * exactly one wins. A handle is never 0, so 0 marks an empty cell (or one a producer claimed and has not written
 * yet: the consumer stops there and comes back later). On the heap, so a producer never touches slab memory and
 * can never fault, whatever happens to the slab or the cache meanwhile.
 *
 * <p>Producer and consumer indices sit on cache lines of their own (padding by class hierarchy, 128 bytes).
 */
final class RemoteFrees extends RemoteFreesConsumer {
    /** Cells of a ring: a producer finding it full frees under the pool's lease instead. */
    static final int CAPACITY = 256;

    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

    long trailingPad00, trailingPad01, trailingPad02, trailingPad03, trailingPad04, trailingPad05, trailingPad06;
    long trailingPad07, trailingPad08, trailingPad09, trailingPad10, trailingPad11, trailingPad12, trailingPad13;
    long trailingPad14, trailingPad15;

    /**
     * Offers a freed handle; false if the ring is full. Returns the index the handle took, plus one (so a caller
     * can collect every so many), or 0 when full.
     */
    long offer(long handle) {
        long limit = lvProducerLimit();
        long p;
        do {
            p = lvProducerIndex();
            if (p >= limit) {
                limit = lvConsumerIndex() + CAPACITY;
                if (p >= limit) {
                    return 0;
                }
                soProducerLimit(limit);
            }
        } while (!casProducerIndex(p, p + 1));
        CELLS.setRelease(buffer, (int) p & (CAPACITY - 1), handle);
        return p + 1;
    }

    /** The oldest offered handle, or 0 if there is none (yet). Only the pool's holder calls it. */
    long poll() {
        long c = lpConsumerIndex();
        int cell = (int) c & (CAPACITY - 1);
        long handle = (long) CELLS.getAcquire(buffer, cell);
        if (handle == 0) {
            return 0;
        }
        buffer[cell] = 0;
        soConsumerIndex(c + 1);
        return handle;
    }

    /** Handles offered and not yet polled (a moment old when producers race). */
    long size() {
        return lvProducerIndex() - lvConsumerIndex();
    }
}

/** Leading padding of {@link RemoteFrees}. */
abstract class RemoteFreesPadding {
    int leadingPad;
    long leadingPad00, leadingPad01, leadingPad02, leadingPad03, leadingPad04, leadingPad05, leadingPad06;
    long leadingPad07, leadingPad08, leadingPad09, leadingPad10, leadingPad11, leadingPad12, leadingPad13;
    long leadingPad14, leadingPad15;
}

/** The cells: the array is read by every side, written (its reference) by none. */
abstract class RemoteFreesCells extends RemoteFreesPadding {
    final long[] buffer = new long[RemoteFrees.CAPACITY];
}

/** 128 bytes between the cells' reference and the producers' fields. */
abstract class RemoteFreesCellsPadding extends RemoteFreesCells {
    long cellsPad00, cellsPad01, cellsPad02, cellsPad03, cellsPad04, cellsPad05, cellsPad06;
    long cellsPad07, cellsPad08, cellsPad09, cellsPad10, cellsPad11, cellsPad12, cellsPad13;
    long cellsPad14, cellsPad15;
}

/** The producers' side: the claimed index and the cached limit, CAS'd and read by every freeing thread. */
abstract class RemoteFreesProducer extends RemoteFreesCellsPadding {
    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle PRODUCER_LIMIT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_INDEX = lookup.findVarHandle(RemoteFreesProducer.class, "producerIndex", long.class);
            PRODUCER_LIMIT = lookup.findVarHandle(RemoteFreesProducer.class, "producerLimit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long producerIndex;
    private long producerLimit = RemoteFrees.CAPACITY;

    final long lvProducerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this);
    }

    final boolean casProducerIndex(long expect, long update) {
        return PRODUCER_INDEX.compareAndSet(this, expect, update);
    }

    final long lvProducerLimit() {
        return (long) PRODUCER_LIMIT.getVolatile(this);
    }

    final void soProducerLimit(long limit) {
        PRODUCER_LIMIT.setRelease(this, limit);
    }
}

/** 128 bytes between the producers' fields and the consumer's. */
abstract class RemoteFreesMiddlePadding extends RemoteFreesProducer {
    long middlePad00, middlePad01, middlePad02, middlePad03, middlePad04, middlePad05, middlePad06;
    long middlePad07, middlePad08, middlePad09, middlePad10, middlePad11, middlePad12, middlePad13;
    long middlePad14, middlePad15;
}

/** The consumer's side: written only by the pool's holder, read by producers when they think the ring is full. */
abstract class RemoteFreesConsumer extends RemoteFreesMiddlePadding {
    private static final VarHandle CONSUMER_INDEX;

    static {
        try {
            CONSUMER_INDEX = MethodHandles.lookup().findVarHandle(RemoteFreesConsumer.class, "consumerIndex",
                    long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long consumerIndex;

    final long lpConsumerIndex() {
        return consumerIndex;
    }

    final long lvConsumerIndex() {
        return (long) CONSUMER_INDEX.getVolatile(this);
    }

    final void soConsumerIndex(long index) {
        CONSUMER_INDEX.setRelease(this, index);
    }
}
