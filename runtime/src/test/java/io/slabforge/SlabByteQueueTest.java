package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import io.slabforge.internal.Seeds;
import io.slabforge.internal.SlabEngine;
import io.slabforge.internal.SlabGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(Seeds.class)
class SlabByteQueueTest {

    @Test
    void firstInFirstOut() {
        try (SlabByteQueue queue = SlabByteQueue.create()) {
            assertFalse(queue.isSpsc());
            assertEquals(-1, queue.read());
            assertEquals(-1, queue.peek());
            queue.write("packet: 0x42\n".getBytes(US_ASCII));
            queue.write((byte) 'Z');
            assertEquals(14, queue.size());
            assertEquals('p', queue.peek());
            StringBuilder packet = new StringBuilder();
            for (int b; (b = queue.read()) != '\n'; ) {
                packet.append((char) b);
            }
            assertEquals("packet: 0x42", packet.toString());
            assertEquals('Z', queue.read());
            assertEquals(-1, queue.read());
            assertTrue(queue.isEmpty());
            assertEquals(14, queue.bytesWritten());
            assertEquals(14, queue.bytesRead());
        }
    }

    @Test
    void everySourceAndDestinationKind() {
        try (SlabByteQueue queue = SlabByteQueue.builder().chunkSize(16).build(); Arena arena = Arena.ofConfined()) {
            queue.write((byte) 1);
            queue.write(new byte[] {9, 2, 3, 9}, 1, 2);
            ByteBuffer heap = ByteBuffer.wrap(new byte[] {4, 5, 6});
            queue.write(heap);
            assertEquals(3, heap.position());
            ByteBuffer direct = ByteBuffer.allocateDirect(40);
            for (int i = 0; i < 40; i++) {
                direct.put((byte) (7 + i));
            }
            queue.write(direct.flip().asReadOnlyBuffer());
            MemorySegment segment = arena.allocate(20);
            for (int i = 0; i < 20; i++) {
                segment.set(JAVA_BYTE, i, (byte) (47 + i));
            }
            queue.write(segment);
            assertEquals(66, queue.size());

            byte[] peeked = new byte[30];
            assertEquals(30, queue.peek(peeked, 0, 30));
            assertEquals(66, queue.size(), "peek removes nothing");
            byte[] first = new byte[10];
            assertEquals(10, queue.read(first));
            assertArrayEquals(Arrays.copyOf(peeked, 10), first);
            assertEquals(5, queue.skip(5));
            ByteBuffer bb = ByteBuffer.allocate(7);
            assertEquals(7, queue.read(bb));
            assertEquals(7, bb.position());
            assertEquals(16, bb.get(0));
            MemorySegment out = arena.allocate(100);
            assertEquals(44, queue.read(out));
            for (int i = 0; i < 44; i++) {
                assertEquals(23 + i, out.get(JAVA_BYTE, i));
            }
            assertEquals(0, queue.read(new byte[5], 0, 5));
            assertEquals(0, queue.read(ByteBuffer.allocateDirect(5)));
            assertThrows(ReadOnlyBufferException.class, () -> queue.read(ByteBuffer.allocate(3).asReadOnlyBuffer()));
            assertThrows(IndexOutOfBoundsException.class, () -> queue.read(new byte[3], 2, 2));
            assertThrows(IllegalArgumentException.class, () -> queue.skip(-1));
        }
    }

    @Test
    void chunksGoBackAsTheyAreConsumed() {
        try (SlabEngine engine = SlabEngine.builder(SlabGeometry.of(64, 64, 4096)).build()) {
            SlabByteQueue queue = SlabByteQueue.builder().chunks(engine).build();
            queue.write(new byte[64 * 10]);
            assertEquals(10, engine.liveCount());
            queue.skip(64 * 5);
            assertEquals(5, engine.liveCount(), "five consumed chunks went back");
            queue.skip(64 * 5 - 1);
            assertEquals(1, engine.liveCount());
            queue.read();
            assertEquals(1, engine.liveCount(), "the tail chunk stays for the next write");
            for (int round = 0; round < 100; round++) {
                queue.write(new byte[50]);
                queue.skip(50);
            }
            assertEquals(1, engine.liveCount(), "an emptied queue reuses its chunk");
            queue.write(new byte[1000]);
            queue.clear();
            assertTrue(queue.isEmpty());
            assertEquals(1, engine.liveCount());
            queue.close();
            assertEquals(0, engine.liveCount());
            assertFalse(engine.isClosed());
            queue.close();
            assertThrows(IllegalStateException.class, () -> queue.write((byte) 1));
            assertThrows(IllegalStateException.class, queue::read);
        }
    }

    @Test
    void anOwnEngineIsClosedWithTheQueue() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        SlabByteQueue queue = SlabByteQueue.builder().memory(memory).buildSpsc();
        assertTrue(queue.isSpsc());
        queue.write(new byte[100_000]);
        assertTrue(memory.heldBytes > 0);
        queue.close();
        assertEquals(0, memory.heldBytes);
    }

    @Test
    void transfersFromAndToChannels() throws IOException {
        byte[] data = new byte[50_000];
        Seeds.random("SlabByteQueueTest 7").nextBytes(data);
        try (SlabByteQueue queue = SlabByteQueue.builder().chunkSize(1024).build()) {
            ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(data));
            long stored = 0;
            for (long n; (n = queue.transferFrom(in, 7_000)) != -1; ) {
                assertTrue(n <= 7_000);
                stored += n;
            }
            assertEquals(data.length, stored);
            assertEquals(data.length, queue.size());
            assertEquals(0, queue.transferFrom(in, 0));

            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            assertEquals(data.length, queue.transferTo(Channels.newChannel(sink)));
            assertArrayEquals(data, sink.toByteArray());
            assertTrue(queue.isEmpty());

            // A channel that takes at most 100 bytes per write: a transfer stops at the first short write (after
            // at most one chunk end), the rest stays queued.
            queue.write(data);
            Trickle trickle = new Trickle(100, 1000);
            while (trickle.taken.size() < 2500) {
                long n = queue.transferTo(trickle);
                assertTrue(n >= 100 && n < 100 + 1024, "moved " + n);
            }
            int moved = trickle.taken.size();
            assertEquals(data.length - moved, queue.size());
            assertArrayEquals(Arrays.copyOf(data, moved), trickle.taken.toByteArray());
            byte[] rest = new byte[data.length - moved];
            queue.read(rest);
            assertArrayEquals(Arrays.copyOfRange(data, moved, data.length), rest);
        }
    }

    @Test
    void aFailingChannelKeepsWhatWasAlreadyMoved() {
        try (SlabByteQueue queue = SlabByteQueue.builder().chunkSize(64).build()) {
            queue.write(new byte[1000]);
            Trickle broken = new Trickle(64, 3);
            assertThrows(IOException.class, () -> queue.transferTo(broken));
            assertEquals(1000 - 3 * 64, queue.size(), "the bytes the channel took are gone, the rest stays");
            assertEquals(3 * 64, broken.taken.size());

            ReadableByteChannel failing = new ReadableByteChannel() {
                int calls;

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    if (calls++ == 2) {
                        throw new IOException("link down");
                    }
                    int n = dst.remaining();
                    dst.position(dst.limit());
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {}
            };
            assertThrows(IOException.class, () -> queue.transferFrom(failing, 10_000));
            // 1000 bytes end 40 bytes into a 64-byte chunk: a 24-byte read fills it, a 64-byte one the next.
            assertEquals(1000 - 3 * 64 + 24 + 64, queue.size(), "the reads before the failure stay queued");
        }
    }

    /** Takes at most {@code perWrite} bytes per call; after {@code writes} calls it fails. */
    private static final class Trickle implements WritableByteChannel {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        final int perWrite;
        int writesLeft;

        Trickle(int perWrite, int writes) {
            this.perWrite = perWrite;
            this.writesLeft = writes;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (writesLeft-- == 0) {
                throw new IOException("peer gone");
            }
            int n = Math.min(perWrite, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            taken.write(b, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void whenNoChunkCanBeHadAWriteChangesNothingAndConsumingRecovers() {
        try (SlabByteQueue queue = SlabByteQueue.builder().chunkSize(1024).maxBytes(64 << 10).build()) {
            SplittableRandom random = Seeds.random("SlabByteQueueTest 5");
            ByteArrayOutputStream model = new ByteArrayOutputStream();
            byte[] piece = new byte[900];
            while (true) {
                random.nextBytes(piece);
                try {
                    queue.write(piece);
                } catch (SlabOutOfMemoryException e) {
                    break;
                }
                model.write(piece, 0, piece.length);
            }
            // The last chunk still has room for single bytes; fill it.
            while (true) {
                try {
                    queue.write((byte) 0x5A);
                } catch (SlabOutOfMemoryException e) {
                    break;
                }
                model.write(0x5A);
            }
            assertEquals(64 * 1024, model.size(), "64 chunks of 1 KiB fill a 64 KiB slab (no header)");
            long size = queue.size();
            assertEquals(model.size(), size);
            assertThrows(SlabOutOfMemoryException.class, () -> queue.write(new byte[4000]));
            ByteBuffer src = ByteBuffer.allocate(4000);
            assertThrows(SlabOutOfMemoryException.class, () -> queue.write(src));
            assertEquals(0, src.position());
            assertThrows(SlabOutOfMemoryException.class, () -> queue.write(MemorySegment.ofArray(new byte[4000])));
            assertThrows(SlabOutOfMemoryException.class,
                    () -> queue.transferFrom(Channels.newChannel(new ByteArrayInputStream(new byte[5000])), 5000));
            assertEquals(size, queue.size(), "nothing was written by the failed writes");

            byte[] expected = model.toByteArray();
            byte[] head = new byte[10_000];
            assertEquals(head.length, queue.read(head));
            assertArrayEquals(Arrays.copyOf(expected, head.length), head);
            queue.write(new byte[4000]);   // chunks freed by the consumer are usable again
            byte[] rest = new byte[expected.length - head.length];
            assertEquals(rest.length, queue.read(rest));
            assertArrayEquals(Arrays.copyOfRange(expected, head.length, expected.length), rest);
            assertEquals(4000, queue.skip(Long.MAX_VALUE));
        }
    }

    @Test
    void builderOptionsAreValidated() {
        try (SlabEngine confined = SlabEngine.builder(SlabGeometry.of(64, 8, 4096)).build()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> SlabByteQueue.builder().chunks(confined).buildSpsc());
            assertTrue(e.getMessage().contains("LOCKED"), e.getMessage());
            SlabByteQueue plain = SlabByteQueue.builder().chunks(confined).build();
            plain.write((byte) 1);
            plain.close();
        }
        assertThrows(IllegalArgumentException.class, () -> SlabByteQueue.builder().chunkSize(3));
        assertThrows(IllegalArgumentException.class, () -> SlabByteQueue.create().transferFrom(
                Channels.newChannel(new ByteArrayInputStream(new byte[1])), -1));
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 256, 4096})
    void randomOperationsMatchAModel(int chunkSize) throws IOException {
        SplittableRandom random = Seeds.random("SlabByteQueueTest " + (chunkSize * 31L));
        try (SlabByteQueue queue = SlabByteQueue.builder().chunkSize(chunkSize).build();
             Arena arena = Arena.ofConfined()) {
            byte[] model = new byte[1 << 22];
            int head = 0;
            int tail = 0;
            for (int step = 0; step < 20_000; step++) {
                if (tail > model.length - 20 * chunkSize) {
                    // Rebase the model; the queue just keeps going.
                    System.arraycopy(model, head, model, 0, tail - head);
                    tail -= head;
                    head = 0;
                }
                int op = random.nextInt(100);
                if (op < 45) {
                    int n = random.nextInt(1 + (random.nextBoolean() ? 30 : Math.min(4 * chunkSize, 6000)));
                    byte[] src = new byte[n];
                    random.nextBytes(src);
                    switch (random.nextInt(6)) {
                        case 0 -> queue.write(src);
                        case 1 -> queue.write(ByteBuffer.wrap(src));
                        case 2 -> queue.write(ByteBuffer.allocateDirect(n).put(src).flip());
                        case 3 -> queue.write(MemorySegment.ofArray(src));
                        case 4 -> assertEquals(n == 0 ? -1 : n, queue.transferFrom(
                                Channels.newChannel(new ByteArrayInputStream(src)), n + 10));
                        default -> {
                            for (byte b : src) {
                                queue.write(b);
                            }
                        }
                    }
                    System.arraycopy(src, 0, model, tail, n);
                    tail += n;
                } else if (op < 90) {
                    int want = random.nextInt(1 + (random.nextBoolean() ? 30 : Math.min(4 * chunkSize, 6000)));
                    int expect = Math.min(want, tail - head);
                    byte[] got;
                    switch (random.nextInt(7)) {
                        case 0 -> {
                            got = new byte[want];
                            assertEquals(expect, queue.read(got, 0, want));
                        }
                        case 1 -> {
                            ByteBuffer bb = random.nextBoolean() ? ByteBuffer.allocate(want)
                                    : ByteBuffer.allocateDirect(want);
                            assertEquals(expect, queue.read(bb));
                            got = new byte[expect];
                            bb.flip().get(got);
                        }
                        case 2 -> {
                            MemorySegment seg = arena.allocate(Math.max(1, want)).asSlice(0, want);
                            assertEquals(expect, queue.read(seg));
                            got = seg.asSlice(0, expect).toArray(JAVA_BYTE);
                        }
                        case 3 -> {
                            got = new byte[want];
                            assertEquals(expect, queue.peek(got, 0, want));
                            assertArrayEquals(Arrays.copyOfRange(model, head, head + expect),
                                    Arrays.copyOf(got, expect));
                            continue;   // nothing consumed
                        }
                        case 4 -> {
                            ByteArrayOutputStream sink = new ByteArrayOutputStream();
                            assertEquals(tail - head, queue.transferTo(Channels.newChannel(sink)));
                            got = sink.toByteArray();
                            expect = got.length;
                        }
                        case 5 -> {
                            assertEquals(expect, queue.skip(want));
                            got = Arrays.copyOfRange(model, head, head + expect);
                        }
                        default -> {
                            got = new byte[expect];
                            for (int i = 0; i < expect; i++) {
                                assertEquals(model[head + i] & 0xFF, queue.peek());
                                got[i] = (byte) queue.read();
                            }
                        }
                    }
                    assertArrayEquals(Arrays.copyOfRange(model, head, head + expect), Arrays.copyOf(got, expect),
                            "step " + step);
                    head += expect;
                } else if (op < 99) {
                    assertEquals(head == tail ? -1 : model[head] & 0xFF, queue.peek());
                } else {
                    queue.clear();
                    head = tail;
                }
                assertEquals(tail - head, queue.size());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // One producer, one consumer

    /** The stream both sides agree on: byte {@code p} is {@code PATTERN[p % PATTERN.length]}. */
    private static final byte[] PATTERN = new byte[(1 << 20) + 7];

    static {
        Seeds.random("SlabByteQueueTest 42").nextBytes(PATTERN);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void spscMovesHundredsOfMegabytesIntact(boolean bounded) throws Exception {
        // Bounded: an own LOCKED engine capped at 2 MiB, so the producer runs out of chunks and must wait for the
        // consumer to give some back. Unbounded: the shared default engine.
        long total = bounded ? 256L << 20 : 64L << 20;
        try (SlabByteQueue queue = bounded ? SlabByteQueue.builder().maxBytes(2 << 20).buildSpsc()
                : SlabByteQueue.spsc()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CRC32 sent = new CRC32();
            long[] producerStalls = new long[1];
            Thread producer = Thread.ofPlatform().name("producer").start(() -> {
                try {
                    produce(queue, total, sent, producerStalls);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            CRC32 received = new CRC32();
            try {
                consume(queue, total, received, failure);
            } finally {
                producer.join();
            }
            assertNull(failure.get(), () -> "producer failed: " + failure.get());
            assertEquals(sent.getValue(), received.getValue(), "checksums of the two streams");
            assertEquals(total, queue.bytesWritten());
            assertEquals(total, queue.bytesRead());
            assertTrue(queue.isEmpty());
        }
    }

    private static void produce(SlabByteQueue queue, long total, CRC32 sent, long[] stalls) {
        SplittableRandom random = Seeds.random("SlabByteQueueTest 1");
        MemorySegment direct = Arena.ofAuto().allocate(70_000);
        ByteBuffer directBuffer = ByteBuffer.allocateDirect(70_000);
        long position = 0;
        while (position < total) {
            int n = (int) Math.min(total - position, 1 + random.nextInt(random.nextInt(10) == 0 ? 65_536 : 2_000));
            int from = (int) (position % PATTERN.length);
            n = Math.min(n, PATTERN.length - from);
            int kind = random.nextInt(4);
            if (kind == 1) {
                directBuffer.clear().put(PATTERN, from, n).flip();
            } else if (kind == 2) {
                MemorySegment.copy(PATTERN, from, direct, JAVA_BYTE, 0, n);
            }
            while (true) {
                try {
                    switch (kind) {
                        case 0 -> queue.write(PATTERN, from, n);
                        case 1 -> queue.write(directBuffer);
                        case 2 -> queue.write(direct.asSlice(0, n));
                        default -> {
                            if (n > 16) {
                                queue.write(ByteBuffer.wrap(PATTERN, from, n));
                            } else {
                                for (int i = 0; i < n; i++) {
                                    // A failure mid-loop must not repeat the bytes already written.
                                    writeByte(queue, PATTERN[from + i], stalls);
                                }
                            }
                        }
                    }
                    break;
                } catch (SlabOutOfMemoryException e) {
                    stalls[0]++;
                    Thread.yield();
                }
            }
            sent.update(PATTERN, from, n);
            position += n;
        }
    }

    private static void writeByte(SlabByteQueue queue, byte value, long[] stalls) {
        while (true) {
            try {
                queue.write(value);
                return;
            } catch (SlabOutOfMemoryException e) {
                stalls[0]++;
                Thread.yield();
            }
        }
    }

    private static void consume(SlabByteQueue queue, long total, CRC32 received, AtomicReference<Throwable> failure) {
        SplittableRandom random = Seeds.random("SlabByteQueueTest 2");
        byte[] buffer = new byte[70_000];
        MemorySegment direct = Arena.ofAuto().allocate(70_000);
        ByteBuffer directBuffer = ByteBuffer.allocateDirect(70_000);
        long position = 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (position < total) {
            int want = 1 + random.nextInt(random.nextInt(10) == 0 ? 65_536 : 3_000);
            int got;
            switch (random.nextInt(5)) {
                case 0 -> got = queue.read(buffer, 0, want);
                case 1 -> {
                    got = queue.read(directBuffer.clear().limit(want));
                    directBuffer.flip().get(buffer, 0, got);
                }
                case 2 -> {
                    got = (int) queue.read(direct.asSlice(0, want));
                    MemorySegment.copy(direct, JAVA_BYTE, 0, buffer, 0, got);
                }
                case 3 -> {
                    int first = queue.peek();
                    got = first < 0 ? 0 : queue.peek(buffer, 0, want);
                    if (got > 0) {
                        assertEquals(buffer[0] & 0xFF, first);
                        assertEquals(got, queue.skip(got));
                    }
                }
                default -> {
                    got = 0;
                    for (int b; got < want && (b = queue.read()) >= 0; ) {
                        buffer[got++] = (byte) b;
                    }
                }
            }
            if (got == 0) {
                if (failure.get() != null || System.nanoTime() > deadline) {
                    throw new AssertionError("consumer starved at " + position, failure.get());
                }
                Thread.yield();
                continue;
            }
            for (int i = 0; i < got; ) {
                int from = (int) ((position + i) % PATTERN.length);
                int run = Math.min(got - i, PATTERN.length - from);
                int mismatch = Arrays.mismatch(buffer, i, i + run, PATTERN, from, from + run);
                if (mismatch >= 0) {
                    throw new AssertionError("byte " + (position + i + mismatch) + " differs");
                }
                i += run;
            }
            received.update(buffer, 0, got);
            position += got;
            long size = queue.size();
            assertTrue(size >= 0 && size <= total - position, "size " + size);
        }
    }
}
