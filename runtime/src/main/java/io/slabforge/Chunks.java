package io.slabforge;

import io.slabforge.internal.SlabEngine;
import io.slabforge.internal.SlabGeometry;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Where {@link SlabBytes} and {@link SlabByteQueue} take their fixed-size chunks: a slab engine whose slots are the
 * chunks. Either the process-wide shared engine (the default: 4 KiB chunks, {@link SlabSync#LOCKED}, never closed),
 * an engine of the buffer's own (when any option is set; closed with the buffer), or an engine the caller supplies
 * (shared by many buffers; not closed with them).
 */
final class Chunks {
    static final int DEFAULT_CHUNK_SIZE = 4096;
    static final int MIN_CHUNK_SIZE = 16;
    static final int MAX_CHUNK_SIZE = 1 << 20;
    /** Chunks are aligned to a cache line (or their size, if smaller). */
    static final long CHUNK_ALIGNMENT = 64;

    final SlabEngine engine;
    final boolean owned;
    final int size;
    final int shift;
    final long mask;

    private Chunks(SlabEngine engine, boolean owned) {
        this.engine = engine;
        this.owned = owned;
        this.size = (int) engine.geometry().slotSize();
        this.shift = Integer.numberOfTrailingZeros(size);
        this.mask = size - 1;
    }

    /** A chunk's handle; its memory is {@link #memory}. */
    long take() {
        return engine.allocateUninitialized();
    }

    MemorySegment memory(long handle) {
        return engine.segment(handle);
    }

    void give(long handle) {
        engine.free(handle);
    }

    /** Closes an owned engine, or frees the given chunks to a shared one (unless someone closed it already). */
    void release(long[] handles, int count) {
        if (owned) {
            engine.close();
            return;
        }
        if (engine.isClosed()) {
            return;
        }
        for (int i = 0; i < count; i++) {
            engine.free(handles[i]);
        }
    }

    private static SlabGeometry geometry(int chunkSize, long slabSize) {
        return SlabGeometry.of(chunkSize, Math.min(chunkSize, CHUNK_ALIGNMENT), slabSize);
    }

    /**
     * The default shared engine, created on first use. Not a holder class: creating it can fail (every cache tag
     * taken), and a failed class initialisation would fail every later use of it for the life of the JVM; here the
     * failure is a {@code SlabException} and the next call tries again.
     */
    private static volatile SlabEngine shared;

    private static SlabEngine sharedEngine() {
        SlabEngine engine = shared;
        return engine != null ? engine : createShared();
    }

    private static synchronized SlabEngine createShared() {
        if (shared == null) {
            shared = SlabEngine.builder(geometry(DEFAULT_CHUNK_SIZE, 256 << 10)).sync(SlabSync.LOCKED).build();
        }
        return shared;
    }

    /**
     * The options {@link SlabBytes.Builder} and {@link SlabByteQueue.Builder} share.
     *
     * @param <B> the concrete builder, returned by every setter
     */
    abstract static class Options<B extends Options<B>> {
        private int chunkSize;
        private long slabSize;
        private SlabMemory memory;
        private long maxBytes = Long.MAX_VALUE;
        private SlabEngine chunks;

        Options() {}

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Bytes per chunk: a power of two from 16 to 1 MiB; default 4096. Gives the buffer an engine of its own.
         *
         * @param chunkSize bytes per chunk
         * @return this builder
         * @throws IllegalArgumentException if it is not a power of two in range
         */
        public final B chunkSize(int chunkSize) {
            if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE || Integer.bitCount(chunkSize) != 1) {
                throw new IllegalArgumentException("chunkSize " + chunkSize + " must be a power of two from "
                        + MIN_CHUNK_SIZE + " to " + MAX_CHUNK_SIZE);
            }
            this.chunkSize = chunkSize;
            return self();
        }

        /**
         * Bytes per slab of the buffer's own engine (a power of two; see {@link SlabGeometry#of}); default 32
         * chunks' worth, at least 64 KiB. Gives the buffer an engine of its own.
         *
         * @param slabSize bytes per slab
         * @return this builder
         */
        public final B slabSize(long slabSize) {
            if (slabSize <= 0 || Long.bitCount(slabSize) != 1) {
                throw new IllegalArgumentException("slabSize " + slabSize + " is not a power of two");
            }
            this.slabSize = slabSize;
            return self();
        }

        /**
         * Where the buffer's own engine takes its slabs; default {@link SlabMemory#ofArena()}. Gives the buffer an
         * engine of its own.
         *
         * @param memory the provider
         * @return this builder
         */
        public final B memory(SlabMemory memory) {
            this.memory = Objects.requireNonNull(memory, "memory");
            return self();
        }

        /**
         * The most bytes the buffer's own engine holds from its provider; past it, writes fail with
         * {@link SlabOutOfMemoryException}. Gives the buffer an engine of its own.
         *
         * @param maxBytes the cap; not negative
         * @return this builder
         */
        public final B maxBytes(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes " + maxBytes + " is negative");
            }
            this.maxBytes = maxBytes;
            return self();
        }

        /**
         * Takes chunks from this engine, shared with other buffers, instead of an engine of the buffer's own; its
         * slot size (a power of two of at least 16) is the chunk size. Closing the buffer gives its chunks back but
         * does not close the engine. Excludes the other options.
         *
         * @param chunks the engine to take chunks from
         * @return this builder
         */
        public final B chunks(SlabEngine chunks) {
            this.chunks = Objects.requireNonNull(chunks, "chunks");
            return self();
        }

        /** The chunk source these options describe; an engine of the buffer's own is built with {@code ownSync}. */
        final Chunks build(SlabSync ownSync, boolean needsLocked) {
            boolean ownOptions = chunkSize != 0 || slabSize != 0 || memory != null || maxBytes != Long.MAX_VALUE;
            if (chunks != null) {
                if (ownOptions) {
                    throw new IllegalArgumentException("chunks(engine) excludes chunkSize, slabSize, memory and "
                            + "maxBytes: those describe an engine of the buffer's own");
                }
                long slot = chunks.geometry().slotSize();
                if (slot < MIN_CHUNK_SIZE || Long.bitCount(slot) != 1) {
                    throw new IllegalArgumentException("the chunk engine's slot size " + slot
                            + " must be a power of two of at least " + MIN_CHUNK_SIZE);
                }
                if (needsLocked && chunks.sync() != SlabSync.LOCKED) {
                    throw new IllegalArgumentException("a single-producer/single-consumer queue allocates chunks on"
                            + " one thread and frees them on another: its chunk engine must be LOCKED, not "
                            + chunks.sync());
                }
                return new Chunks(chunks, false);
            }
            if (!ownOptions) {
                return new Chunks(sharedEngine(), false);
            }
            int chunk = chunkSize != 0 ? chunkSize : DEFAULT_CHUNK_SIZE;
            long slab = slabSize != 0 ? slabSize
                    : Math.min(SlabGeometry.MAX_SLAB_SIZE, Math.max(64 << 10, 32L * chunk));
            SlabEngine engine = SlabEngine.builder(geometry(chunk, slab))
                    .memory(memory != null ? memory : SlabMemory.ofArena())
                    .maxBytes(maxBytes)
                    .sync(ownSync)
                    .build();
            return new Chunks(engine, true);
        }
    }
}
