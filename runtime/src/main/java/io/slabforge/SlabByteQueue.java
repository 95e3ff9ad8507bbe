package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * A FIFO queue of bytes in fixed-size chunks from a slab engine: tinyalloc's {@code ByteBufferDeque}. Bytes are
 * written at the tail and read or peeked at the head; a chunk goes back to its engine as soon as the head has read
 * past it. Bulk transfers to and from {@code byte[]}, {@link ByteBuffer}, {@link MemorySegment} and channels.
 *
 * <pre>{@code
 * try (SlabByteQueue queue = SlabByteQueue.create()) {
 *     queue.write("packet: 0x42\n".getBytes(US_ASCII));
 *     ByteArrayOutputStream packet = new ByteArrayOutputStream();
 *     for (int b; (b = queue.read()) != -1 && b != '\n'; ) {
 *         packet.write(b);
 *     }
 * }
 * }</pre>
 *
 * <h2>Two threads: {@link #spsc()}</h2>
 * A queue from {@link #spsc()} (or {@link Builder#buildSpsc()}) may be written by one thread (the producer: the
 * {@code write} and {@code transferFrom} methods) while another thread reads it (the consumer: {@code read},
 * {@code peek}, {@code skip}, {@code transferTo}, {@code clear}), with no lock on the fast path. The producer
 * publishes the count of bytes written with a release store after copying them, the consumer reads it with an
 * acquire load before copying them out, and each side keeps its own position, so bytes arrive in order, complete
 * and never torn. Only taking a chunk from and giving it back to the engine, once per chunk, goes through the
 * engine's lock: the chunk engine of an spsc queue is always {@link SlabSync#LOCKED}. {@link #size()},
 * {@link #bytesWritten()} and {@link #bytesRead()} may be called from any thread. Close the queue when both sides
 * are done (after joining them, say).
 *
 * <p>A queue from {@link #create()} is not thread-safe: use it from one thread at a time, handed over through a
 * happens-before edge. It reuses its one chunk when it runs empty.
 *
 * <h2>Out of memory</h2>
 * Writes are all or nothing: when the chunks a write needs cannot be had, it throws
 * {@link SlabOutOfMemoryException} and the queue is as before; nothing written earlier is lost, and once the
 * consumer frees chunks, writes succeed again. {@code transferFrom} keeps what it already read from the channel and
 * returns its count; it throws only if it could store nothing.
 *
 * <p>Chunks come from a process-wide shared engine of 4 KiB chunks by default; {@link #builder()} gives a queue
 * its own engine (chunk size, memory provider, byte cap) or takes chunks from an engine shared among queues.
 */
public final class SlabByteQueue extends SlabByteQueueConsumerPad implements AutoCloseable {
    private static final VarHandle WRITTEN;
    private static final VarHandle READ;
    private static final VarHandle PRODUCER;
    private static final VarHandle CONSUMER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WRITTEN = lookup.findVarHandle(SlabByteQueueProducerFields.class, "written", long.class);
            READ = lookup.findVarHandle(SlabByteQueueConsumerFields.class, "read", long.class);
            PRODUCER = lookup.findVarHandle(SlabByteQueueProducerFields.class, "producer", Thread.class);
            CONSUMER = lookup.findVarHandle(SlabByteQueueConsumerFields.class, "consumer", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Chunks chunks;
    private final int chunkSize;
    private final boolean spsc;
    private volatile boolean closed;

    /**
     * A chunk in the queue's chain. {@code next} is written by the producer before it publishes the first byte of
     * the next chunk, and read by the consumer only after it has seen that byte, so a plain field suffices.
     */
    static final class Node {
        final MemorySegment memory;
        final long handle;
        Node next;

        Node(MemorySegment memory, long handle) {
            this.memory = memory;
            this.handle = handle;
        }
    }

    private SlabByteQueue(Chunks chunks, boolean spsc) {
        this.chunks = chunks;
        this.chunkSize = chunks.size;
        this.spsc = spsc;
        // A full chunk-less sentinel: the first write links the first real chunk after it.
        Node sentinel = new Node(null, 0);
        this.head = sentinel;
        this.tail = sentinel;
        this.last = sentinel;
        this.headOffset = chunkSize;
        this.tailOffset = chunkSize;
    }

    // Ordered accessors, JCTools style: lv = load with acquire, so = store with release ("ordered"). Each side
    // reads its own count plainly through its private copy (produced, consumed), never through these.

    private long lvWritten() {
        return (long) WRITTEN.getAcquire(this);
    }

    private void soWritten(long value) {
        WRITTEN.setRelease(this, value);
    }

    private long lvRead() {
        return (long) READ.getAcquire(this);
    }

    private void soRead(long value) {
        READ.setRelease(this, value);
    }

    /**
     * A queue for one thread at a time, with 4 KiB chunks from the process-wide shared chunk engine.
     *
     * @return a new, empty queue; takes no memory yet
     */
    public static SlabByteQueue create() {
        return builder().build();
    }

    /**
     * A queue for one producer thread and one consumer thread, with 4 KiB chunks from the process-wide shared
     * chunk engine.
     *
     * <pre>{@code
     * SlabByteQueue queue = SlabByteQueue.spsc();
     * Thread producer = Thread.ofPlatform().start(() -> queue.write(payload));
     * byte[] received = new byte[payload.length];
     * for (int got = 0; got < received.length; ) {
     *     got += queue.read(received, got, received.length - got);
     * }
     * }</pre>
     *
     * @return a new, empty queue; takes no memory yet
     */
    public static SlabByteQueue spsc() {
        return builder().buildSpsc();
    }

    /**
     * A builder for a queue with other chunk options.
     *
     * <pre>{@code
     * SlabByteQueue bounded = SlabByteQueue.builder().chunkSize(16 << 10).maxBytes(64 << 20).buildSpsc();
     * }</pre>
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link SlabByteQueue}; see {@link SlabByteQueue#builder()}. */
    public static final class Builder extends Chunks.Options<Builder> {
        private Builder() {}

        /**
         * Builds a queue for one thread at a time.
         *
         * @return a new, empty queue
         */
        public SlabByteQueue build() {
            return new SlabByteQueue(build(SlabSync.NONE, false), false);
        }

        /**
         * Builds a queue for one producer thread and one consumer thread; a supplied chunk engine must be
         * {@link SlabSync#LOCKED}.
         *
         * @return a new, empty queue
         */
        public SlabByteQueue buildSpsc() {
            return new SlabByteQueue(build(SlabSync.LOCKED, true), true);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Producer

    /**
     * Writes one byte at the tail.
     *
     * @param value the byte
     * @throws SlabOutOfMemoryException if a chunk was needed and none could be had (nothing is written)
     */
    public void write(byte value) {
        checkProducer();
        if (tailOffset == chunkSize) {
            if (linkedAhead == 0) {
                ensureWritable(1);
            }
            nextTail();
        }
        tail.memory.set(JAVA_BYTE, tailOffset++, value);
        soWritten(++produced);
    }

    /**
     * Writes all of {@code src} at the tail.
     *
     * @param src the bytes
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is written)
     */
    public void write(byte[] src) {
        write(src, 0, src.length);
    }

    /**
     * Writes {@code count} bytes of {@code src} from {@code offset} at the tail.
     *
     * @param src the bytes
     * @param offset index of the first byte
     * @param count how many bytes
     * @throws IndexOutOfBoundsException if the range is not inside {@code src}
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is written)
     */
    public void write(byte[] src, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, src.length);
        checkProducer();
        ensureWritable(count);
        for (int done = 0; done < count; ) {
            if (tailOffset == chunkSize) {
                nextTail();
            }
            int n = Math.min(chunkSize - tailOffset, count - done);
            MemorySegment.copy(src, offset + done, tail.memory, JAVA_BYTE, tailOffset, n);
            tailOffset += n;
            done += n;
            produced += n;
            // Published chunk by chunk, so the consumer can start on a long write before it ends.
            soWritten(produced);
        }
    }

    /**
     * Writes the remaining bytes of {@code src} at the tail and advances its position to its limit.
     *
     * @param src a heap or direct buffer
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is written, the buffer's
     *     position is unchanged)
     */
    public void write(ByteBuffer src) {
        int count = src.remaining();
        write(MemorySegment.ofBuffer(src));
        src.position(src.position() + count);
    }

    /**
     * Writes all bytes of {@code src} at the tail.
     *
     * @param src any readable segment
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is written)
     */
    public void write(MemorySegment src) {
        checkProducer();
        long count = src.byteSize();
        ensureWritable(count);
        for (long done = 0; done < count; ) {
            if (tailOffset == chunkSize) {
                nextTail();
            }
            int n = (int) Math.min(chunkSize - tailOffset, count - done);
            MemorySegment.copy(src, done, tail.memory, tailOffset, n);
            tailOffset += n;
            done += n;
            produced += n;
            soWritten(produced);
        }
    }

    /**
     * Reads from {@code channel} into the tail until {@code maxBytes} are stored, the channel has nothing more
     * right now (a read returns 0 or fewer bytes than asked), or it reaches its end.
     *
     * @param channel where to read from
     * @param maxBytes the most bytes to store
     * @return bytes stored, or -1 if the channel was at its end and nothing was stored
     * @throws IOException from the channel; the bytes read before it stay in the queue
     * @throws SlabOutOfMemoryException if no chunk could be had before any byte was stored
     */
    public long transferFrom(ReadableByteChannel channel, long maxBytes) throws IOException {
        Objects.requireNonNull(channel, "channel");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is negative");
        }
        checkProducer();
        long total = 0;
        while (total < maxBytes) {
            if (tailOffset == chunkSize) {
                if (linkedAhead == 0) {
                    try {
                        ensureWritable(1);
                    } catch (SlabOutOfMemoryException e) {
                        if (total > 0) {
                            break;
                        }
                        throw e;
                    }
                }
                nextTail();
            }
            int wanted = (int) Math.min(chunkSize - tailOffset, maxBytes - total);
            int n = channel.read(tail.memory.asSlice(tailOffset, wanted).asByteBuffer());
            if (n <= 0) {
                return n < 0 && total == 0 ? -1 : total;
            }
            tailOffset += n;
            total += n;
            produced += n;
            soWritten(produced);
            if (n < wanted) {
                break;
            }
        }
        return total;
    }

    /** Moves the producer onto the next linked chunk; the caller made sure there is one. */
    private void nextTail() {
        tail = tail.next;
        tailOffset = 0;
        linkedAhead--;
    }

    /**
     * Makes sure chunks for {@code count} more bytes are linked after the tail: all of them, or none and an
     * exception. Chunks linked here are invisible to the consumer until bytes in them are published.
     */
    private void ensureWritable(long count) {
        long room = (chunkSize - tailOffset) + (long) linkedAhead * chunkSize;
        if (room >= count) {
            return;
        }
        long missing = (count - room + chunkSize - 1) / chunkSize;
        Node before = last;
        try {
            for (long i = 0; i < missing; i++) {
                long handle = chunks.take();
                Node node;
                try {
                    node = new Node(chunks.memory(handle), handle);
                } catch (RuntimeException e) {
                    chunks.give(handle);
                    throw e;
                }
                last.next = node;
                last = node;
                linkedAhead++;
            }
        } catch (RuntimeException e) {
            Node unlinked = before.next;
            before.next = null;
            last = before;
            for (; unlinked != null; unlinked = unlinked.next) {
                linkedAhead--;
                try {
                    chunks.give(unlinked.handle);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Consumer

    /**
     * Reads one byte from the head.
     *
     * @return the byte (0..255), or -1 if the queue is empty
     */
    public int read() {
        checkConsumer();
        if (lvWritten() == consumed) {
            return -1;
        }
        if (headOffset == chunkSize) {
            nextHead();
        }
        int value = head.memory.get(JAVA_BYTE, headOffset++) & 0xFF;
        consumed++;
        afterRead();
        return value;
    }

    /**
     * Reads up to {@code dst.length} bytes from the head.
     *
     * @param dst where to put them
     * @return bytes read, 0 if the queue is empty
     */
    public int read(byte[] dst) {
        return read(dst, 0, dst.length);
    }

    /**
     * Reads up to {@code count} bytes from the head into {@code dst} at {@code offset}.
     *
     * @param dst where to put them
     * @param offset index in {@code dst} of the first byte
     * @param count the most bytes to read
     * @return bytes read, 0 if the queue is empty
     * @throws IndexOutOfBoundsException if the range is not inside {@code dst}
     */
    public int read(byte[] dst, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, dst.length);
        checkConsumer();
        int n = (int) Math.min(count, available());
        for (int done = 0; done < n; ) {
            if (headOffset == chunkSize) {
                nextHead();
            }
            int k = Math.min(chunkSize - headOffset, n - done);
            MemorySegment.copy(head.memory, JAVA_BYTE, headOffset, dst, offset + done, k);
            headOffset += k;
            done += k;
        }
        consumed += n;
        afterRead();
        return n;
    }

    /**
     * Reads from the head into {@code dst}: as many bytes as it has room for or as are queued, whichever is fewer;
     * advances its position by that many.
     *
     * @param dst a writable heap or direct buffer
     * @return bytes read, 0 if the queue is empty
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public int read(ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int n = (int) read(MemorySegment.ofBuffer(dst));
        dst.position(dst.position() + n);
        return n;
    }

    /**
     * Reads from the head into {@code dst}: as many bytes as fit or as are queued, whichever is fewer.
     *
     * @param dst a writable segment, filled from offset 0
     * @return bytes read, 0 if the queue is empty
     */
    public long read(MemorySegment dst) {
        checkConsumer();
        long n = Math.min(dst.byteSize(), available());
        for (long done = 0; done < n; ) {
            if (headOffset == chunkSize) {
                nextHead();
            }
            int k = (int) Math.min(chunkSize - headOffset, n - done);
            MemorySegment.copy(head.memory, headOffset, dst, done, k);
            headOffset += k;
            done += k;
        }
        consumed += n;
        afterRead();
        return n;
    }

    /**
     * The byte at the head, without removing it.
     *
     * @return the byte (0..255), or -1 if the queue is empty
     */
    public int peek() {
        checkConsumer();
        if (lvWritten() == consumed) {
            return -1;
        }
        Node node = head;
        int offset = headOffset;
        if (offset == chunkSize) {
            node = node.next;
            offset = 0;
        }
        return node.memory.get(JAVA_BYTE, offset) & 0xFF;
    }

    /**
     * Copies up to {@code count} bytes from the head into {@code dst} at {@code offset} without removing them.
     *
     * @param dst where to put them
     * @param offset index in {@code dst} of the first byte
     * @param count the most bytes to copy
     * @return bytes copied, 0 if the queue is empty
     * @throws IndexOutOfBoundsException if the range is not inside {@code dst}
     */
    public int peek(byte[] dst, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, dst.length);
        checkConsumer();
        int n = (int) Math.min(count, available());
        Node node = head;
        int at = headOffset;
        for (int done = 0; done < n; ) {
            if (at == chunkSize) {
                node = node.next;
                at = 0;
            }
            int k = Math.min(chunkSize - at, n - done);
            MemorySegment.copy(node.memory, JAVA_BYTE, at, dst, offset + done, k);
            at += k;
            done += k;
        }
        return n;
    }

    /**
     * Removes up to {@code count} bytes from the head without copying them.
     *
     * @param count the most bytes to remove; not negative
     * @return bytes removed
     */
    public long skip(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count " + count + " is negative");
        }
        checkConsumer();
        long n = Math.min(count, available());
        for (long done = 0; done < n; ) {
            if (headOffset == chunkSize) {
                nextHead();
            }
            int k = (int) Math.min(chunkSize - headOffset, n - done);
            headOffset += k;
            done += k;
        }
        consumed += n;
        afterRead();
        return n;
    }

    /**
     * Writes queued bytes from the head to {@code channel} until the queue is empty or the channel takes fewer bytes
     * than offered; the bytes it took are removed.
     *
     * @param channel where to write
     * @return bytes written to the channel
     * @throws IOException from the channel; the bytes it took before stay removed, the others stay queued
     */
    public long transferTo(WritableByteChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        checkConsumer();
        long n = available();
        long total = 0;
        try {
            while (total < n) {
                if (headOffset == chunkSize) {
                    nextHead();
                }
                int offered = (int) Math.min(chunkSize - headOffset, n - total);
                int taken = channel.write(head.memory.asSlice(headOffset, offered).asByteBuffer());
                headOffset += taken;
                total += taken;
                consumed += taken;
                if (taken < offered) {
                    break;
                }
            }
        } finally {
            afterRead();
        }
        return total;
    }

    /** Removes every byte queued right now (consumer side) and gives back the chunks they were in. */
    public void clear() {
        skip(Long.MAX_VALUE);
    }

    private long available() {
        return lvWritten() - consumed;
    }

    /** Moves the consumer onto the next chunk (which holds published bytes) and gives the old one back. */
    private void nextHead() {
        Node old = head;
        head = old.next;
        headOffset = 0;
        old.next = null;
        if (old.handle != 0) {
            chunks.give(old.handle);
        }
    }

    private void afterRead() {
        soRead(consumed);
        if (headOffset == chunkSize && lvWritten() != consumed) {
            // More bytes are published, so the next chunk is linked: the exhausted one can go back now.
            nextHead();
        } else if (!spsc && consumed == produced && head == tail && head.handle != 0) {
            // Empty single-threaded queue: start over in the same chunk instead of taking a new one.
            headOffset = 0;
            tailOffset = 0;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Either side

    /**
     * Bytes queued: written and not yet read. From any thread; on an spsc queue a moment's snapshot.
     *
     * @return the number of readable bytes
     */
    public long size() {
        long r = lvRead();
        return lvWritten() - r;
    }

    /**
     * Whether no byte is queued.
     *
     * @return {@code size() == 0}
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Bytes written since the queue was built.
     *
     * @return the total written
     */
    public long bytesWritten() {
        return lvWritten();
    }

    /**
     * Bytes read (or skipped) since the queue was built.
     *
     * @return the total read
     */
    public long bytesRead() {
        return lvRead();
    }

    /**
     * Bytes per chunk.
     *
     * @return the chunk size
     */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Whether this queue is for one producer and one consumer thread.
     *
     * @return {@code true} for a queue from {@link #spsc()} or {@link Builder#buildSpsc()}
     */
    public boolean isSpsc() {
        return spsc;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Gives every chunk back (and closes the engine if the queue has its own); queued bytes are dropped. A second
     * call does nothing. On an spsc queue, call it when both sides are done.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int count = 0;
        for (Node n = head; n != null; n = n.next) {
            count++;
        }
        long[] handles = new long[count];
        count = 0;
        for (Node n = head; n != null; n = n.next) {
            if (n.handle != 0) {
                handles[count++] = n.handle;
            }
        }
        Node sentinel = new Node(null, 0);
        head = sentinel;
        tail = sentinel;
        last = sentinel;
        headOffset = chunkSize;
        tailOffset = chunkSize;
        linkedAhead = 0;
        chunks.release(handles, count);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the byte queue is closed");
        }
    }

    /**
     * Open, and on an spsc queue called by its producer: the first thread that writes owns the producer side. A
     * second producer would race the first on the tail and corrupt the queue for good; one plain load and compare
     * per call catches it.
     */
    private void checkProducer() {
        checkOpen();
        if (spsc && producer != Thread.currentThread()) {
            claim(PRODUCER, "producer", "writes to");
        }
    }

    /** Open, and on an spsc queue called by its consumer: the first thread that reads owns the consumer side. */
    private void checkConsumer() {
        checkOpen();
        if (spsc && consumer != Thread.currentThread()) {
            claim(CONSUMER, "consumer", "reads from");
        }
    }

    /** The first use of one side: the calling thread becomes its owner, unless another thread already is. */
    private void claim(VarHandle side, String role, String verb) {
        Thread me = Thread.currentThread();
        Thread owner = (Thread) side.compareAndExchange(this, (Thread) null, me);
        if (owner != null && owner != me) {
            throw new IllegalStateException("spsc byte queue: thread " + describe(me) + " " + verb + " it, but its "
                    + role + " is thread " + describe(owner) + " (the first thread that did); an spsc queue has one"
                    + " producer thread and one consumer thread, use create() with a lock for more");
        }
    }

    private static String describe(Thread thread) {
        return "\"" + thread.getName() + "\" (id " + thread.threadId() + ")";
    }

    @Override
    public String toString() {
        return "SlabByteQueue[" + (spsc ? "spsc, " : "") + "size=" + size() + ", chunkSize=" + chunkSize
                + (closed ? ", closed" : "") + "]";
    }
}
