package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A growable off-heap byte sequence made of fixed-size chunks from a slab engine: tinyalloc's {@code ByteBuffer}.
 * Appending never copies what is already there (a full chunk stays where it is and a new one is linked), reading
 * any index is one array load and one memory access, and {@link #clear()} gives every chunk back at once.
 *
 * <pre>{@code
 * try (SlabBytes bytes = SlabBytes.create()) {
 *     bytes.append("Dynamic ".getBytes(US_ASCII)).append("buffer!".getBytes(US_ASCII));
 *     byte first = bytes.get(0);                      // 'D'
 *     byte[] all = bytes.toByteArray();               // "Dynamic buffer!"
 * }
 * }</pre>
 *
 * <p>Chunks come from a process-wide shared engine of 4 KiB chunks by default, so any number of {@code SlabBytes}
 * can exist; {@link #builder()} gives one its own engine (another chunk size, a memory provider, a byte cap) or
 * takes chunks from an engine the caller shares among buffers.
 *
 * <p>Appends are all or nothing: when no chunk can be had an append throws {@link SlabOutOfMemoryException} and
 * the sequence is exactly as before.
 *
 * <p>Not thread-safe, like {@link StringBuilder}: use it from one thread at a time and hand it over through a
 * happens-before edge.
 */
public final class SlabBytes implements AutoCloseable {
    private final Chunks chunks;
    private final int chunkSize;
    private final int shift;
    private final long mask;

    private MemorySegment[] segments = new MemorySegment[4];
    private long[] handles = new long[4];
    private int chunkCount;
    private long length;
    private boolean closed;

    private SlabBytes(Chunks chunks) {
        this.chunks = chunks;
        this.chunkSize = chunks.size;
        this.shift = chunks.shift;
        this.mask = chunks.mask;
    }

    /**
     * An empty sequence taking 4 KiB chunks from the process-wide shared chunk engine.
     *
     * @return a new, empty sequence; takes no memory yet
     */
    public static SlabBytes create() {
        return builder().build();
    }

    /**
     * A builder for a sequence with other chunk options.
     *
     * <pre>{@code
     * SlabBytes capped = SlabBytes.builder().chunkSize(1024).maxBytes(1 << 20).build();
     * }</pre>
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link SlabBytes}; see {@link SlabBytes#builder()}. */
    public static final class Builder extends Chunks.Options<Builder> {
        private Builder() {}

        /**
         * Builds the sequence; takes no memory yet.
         *
         * @return a new, empty sequence
         */
        public SlabBytes build() {
            return new SlabBytes(build(SlabSync.NONE, false));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Append

    /**
     * Appends one byte.
     *
     * @param value the byte
     * @return this sequence
     * @throws SlabOutOfMemoryException if a chunk was needed and none could be had (nothing is appended)
     */
    public SlabBytes append(byte value) {
        checkOpen();
        long at = length;
        if (at == (long) chunkCount << shift) {
            reserve(1);
        }
        segments[(int) (at >>> shift)].set(JAVA_BYTE, at & mask, value);
        length = at + 1;
        return this;
    }

    /**
     * Appends all of {@code src}.
     *
     * @param src the bytes
     * @return this sequence
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is appended)
     */
    public SlabBytes append(byte[] src) {
        return append(src, 0, src.length);
    }

    /**
     * Appends {@code count} bytes of {@code src} from {@code offset}.
     *
     * @param src the bytes
     * @param offset index of the first byte to append
     * @param count how many bytes
     * @return this sequence
     * @throws IndexOutOfBoundsException if the range is not inside {@code src}
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is appended)
     */
    public SlabBytes append(byte[] src, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, src.length);
        checkOpen();
        reserve(count);
        long at = length;
        for (int done = 0; done < count; ) {
            int n = (int) Math.min(chunkSize - (at & mask), count - done);
            MemorySegment.copy(src, offset + done, segments[(int) (at >>> shift)], JAVA_BYTE, at & mask, n);
            done += n;
            at += n;
        }
        length = at;
        return this;
    }

    /**
     * Appends the remaining bytes of {@code src} and advances its position to its limit.
     *
     * @param src a heap or direct buffer
     * @return this sequence
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is appended, the buffer's
     *     position is unchanged)
     */
    public SlabBytes append(ByteBuffer src) {
        int count = src.remaining();
        append(MemorySegment.ofBuffer(src));
        src.position(src.position() + count);
        return this;
    }

    /**
     * Appends all bytes of {@code src}.
     *
     * @param src any readable segment
     * @return this sequence
     * @throws SlabOutOfMemoryException if the chunks needed could not be had (nothing is appended)
     */
    public SlabBytes append(MemorySegment src) {
        checkOpen();
        long count = src.byteSize();
        reserve(count);
        long at = length;
        for (long done = 0; done < count; ) {
            long n = Math.min(chunkSize - (at & mask), count - done);
            MemorySegment.copy(src, done, segments[(int) (at >>> shift)], at & mask, n);
            done += n;
            at += n;
        }
        length = at;
        return this;
    }

    /** Makes sure chunks for {@code extra} more bytes are held: all of them, or none and an exception. */
    private void reserve(long extra) {
        long end = length + extra;
        if (end < 0) {
            throw new SlabOutOfMemoryException("a sequence of " + length + " + " + extra + " bytes is too long");
        }
        long needed = (end + mask) >>> shift;
        if (needed <= chunkCount) {
            return;
        }
        if (needed > Integer.MAX_VALUE - 8) {
            throw new SlabOutOfMemoryException("a sequence of " + end + " bytes needs " + needed + " chunks of "
                    + chunkSize + " bytes, more than " + (Integer.MAX_VALUE - 8));
        }
        if (needed > handles.length) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * handles.length));
            handles = Arrays.copyOf(handles, capacity);
            segments = Arrays.copyOf(segments, capacity);
        }
        int before = chunkCount;
        try {
            while (chunkCount < needed) {
                handles[chunkCount] = chunks.take();
                chunkCount++;
                segments[chunkCount - 1] = chunks.memory(handles[chunkCount - 1]);
            }
        } catch (RuntimeException e) {
            while (chunkCount > before) {
                chunkCount--;
                try {
                    chunks.give(handles[chunkCount]);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                handles[chunkCount] = 0;
                segments[chunkCount] = null;
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Read

    /**
     * The byte at {@code index}.
     *
     * @param index from 0 to {@code length() - 1}
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code index} is not below {@link #length()}
     */
    public byte get(long index) {
        checkOpen();
        Objects.checkIndex(index, length);
        return segments[(int) (index >>> shift)].get(JAVA_BYTE, index & mask);
    }

    /**
     * Replaces the byte at {@code index}.
     *
     * @param index from 0 to {@code length() - 1}
     * @param value the new byte
     * @throws IndexOutOfBoundsException if {@code index} is not below {@link #length()}
     */
    public void set(long index, byte value) {
        checkOpen();
        Objects.checkIndex(index, length);
        segments[(int) (index >>> shift)].set(JAVA_BYTE, index & mask, value);
    }

    /**
     * Bytes in the sequence.
     *
     * @return the length
     */
    public long length() {
        return length;
    }

    /**
     * Whether the sequence holds no byte.
     *
     * @return {@code length() == 0}
     */
    public boolean isEmpty() {
        return length == 0;
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
     * Chunks held right now ({@code ceil(length() / chunkSize())}, or more after a failed append).
     *
     * @return the number of chunks
     */
    public int chunkCount() {
        return chunkCount;
    }

    /**
     * Copies {@code count} bytes from {@code srcIndex} into {@code dst} at {@code dstOffset}.
     *
     * @param srcIndex first byte of this sequence to copy
     * @param dst the destination
     * @param dstOffset where in {@code dst}
     * @param count how many bytes
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long srcIndex, byte[] dst, int dstOffset, int count) {
        checkOpen();
        Objects.checkFromIndexSize(srcIndex, count, length);
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        long at = srcIndex;
        for (int done = 0; done < count; ) {
            int n = (int) Math.min(chunkSize - (at & mask), count - done);
            MemorySegment.copy(segments[(int) (at >>> shift)], JAVA_BYTE, at & mask, dst, dstOffset + done, n);
            done += n;
            at += n;
        }
    }

    /**
     * Copies {@code count} bytes from {@code srcIndex} into {@code dst} at {@code dstOffset}.
     *
     * @param srcIndex first byte of this sequence to copy
     * @param dst the destination, a writable segment
     * @param dstOffset where in {@code dst}
     * @param count how many bytes
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long srcIndex, MemorySegment dst, long dstOffset, long count) {
        checkOpen();
        Objects.checkFromIndexSize(srcIndex, count, length);
        Objects.checkFromIndexSize(dstOffset, count, dst.byteSize());
        long at = srcIndex;
        for (long done = 0; done < count; ) {
            long n = Math.min(chunkSize - (at & mask), count - done);
            MemorySegment.copy(segments[(int) (at >>> shift)], at & mask, dst, dstOffset + done, n);
            done += n;
            at += n;
        }
    }

    /**
     * Copies bytes from {@code srcIndex} into {@code dst}: as many as it has room for or as are left, whichever is
     * fewer; advances its position by that many.
     *
     * @param srcIndex first byte of this sequence to copy, at most {@code length()}
     * @param dst a writable heap or direct buffer
     * @return the number of bytes copied
     * @throws IndexOutOfBoundsException if {@code srcIndex} is negative or above {@code length()}
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public int copyTo(long srcIndex, ByteBuffer dst) {
        checkOpen();
        Objects.checkIndex(srcIndex, length + 1);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int count = (int) Math.min(dst.remaining(), length - srcIndex);
        copyTo(srcIndex, MemorySegment.ofBuffer(dst), 0, count);
        dst.position(dst.position() + count);
        return count;
    }

    /**
     * All bytes, in a new array.
     *
     * @return a copy of the sequence
     * @throws IllegalStateException if it is too long for an array (use a {@code copyTo} method)
     */
    public byte[] toByteArray() {
        checkOpen();
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(length + " bytes do not fit a byte[]; copy ranges with copyTo");
        }
        byte[] copy = new byte[(int) length];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Clear, close

    /** Empties the sequence and gives every chunk back right away. */
    public void clear() {
        checkOpen();
        int count = chunkCount;
        chunkCount = 0;
        length = 0;
        RuntimeException failure = null;
        for (int i = 0; i < count; i++) {
            try {
                chunks.give(handles[i]);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            handles[i] = 0;
            segments[i] = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /** Gives every chunk back (and closes the engine if the sequence has its own); a second call does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int count = chunkCount;
        chunkCount = 0;
        length = 0;
        Arrays.fill(segments, 0, count, null);
        chunks.release(handles, count);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the byte sequence is closed");
        }
    }

    @Override
    public String toString() {
        return "SlabBytes[length=" + length + ", chunks=" + chunkCount + " x " + chunkSize + " bytes"
                + (closed ? ", closed" : "") + "]";
    }
}
