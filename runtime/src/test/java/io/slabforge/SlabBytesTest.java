package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.internal.Seeds;
import io.slabforge.internal.SlabEngine;
import io.slabforge.internal.SlabGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(Seeds.class)
class SlabBytesTest {

    @Test
    void appendsAndReadsBackAcrossChunks() {
        try (SlabBytes bytes = SlabBytes.create()) {
            assertTrue(bytes.isEmpty());
            assertEquals(4096, bytes.chunkSize());
            bytes.append("Dynamic ".getBytes(US_ASCII)).append("buffer!".getBytes(US_ASCII));
            assertEquals(15, bytes.length());
            assertEquals('D', bytes.get(0));
            assertEquals("Dynamic buffer!", new String(bytes.toByteArray(), US_ASCII));
            byte[] big = new byte[10_000];
            Seeds.random("SlabBytesTest 1").nextBytes(big);
            bytes.append(big);
            assertEquals(3, bytes.chunkCount());
            for (int i = 0; i < big.length; i++) {
                assertEquals(big[i], bytes.get(15 + i));
            }
        }
    }

    @Test
    void everySourceAndDestinationKind() {
        try (SlabBytes bytes = SlabBytes.builder().chunkSize(16).build(); Arena arena = Arena.ofConfined()) {
            bytes.append((byte) 1);
            bytes.append(new byte[] {9, 2, 3, 9}, 1, 2);
            ByteBuffer heap = ByteBuffer.wrap(new byte[] {4, 5, 6});
            bytes.append(heap);
            assertEquals(3, heap.position());
            ByteBuffer direct = ByteBuffer.allocateDirect(40);
            for (int i = 0; i < 40; i++) {
                direct.put((byte) (7 + i));
            }
            direct.flip();
            bytes.append(direct.asReadOnlyBuffer());
            MemorySegment native_ = arena.allocate(20);
            for (int i = 0; i < 20; i++) {
                native_.set(JAVA_BYTE, i, (byte) (47 + i));
            }
            bytes.append(native_);
            bytes.append(MemorySegment.ofArray(new byte[] {67, 68}));
            assertEquals(68, bytes.length());
            for (int i = 0; i < 68; i++) {
                assertEquals(i + 1, bytes.get(i), "byte " + i);
            }

            byte[] out = new byte[30];
            bytes.copyTo(10, out, 5, 20);
            for (int i = 0; i < 20; i++) {
                assertEquals(11 + i, out[5 + i]);
            }
            MemorySegment seg = arena.allocate(68);
            bytes.copyTo(0, seg, 0, 68);
            assertArrayEquals(bytes.toByteArray(), seg.toArray(JAVA_BYTE));
            ByteBuffer dst = ByteBuffer.allocate(100);
            assertEquals(18, bytes.copyTo(50, dst));
            assertEquals(18, dst.position());
            assertEquals(51, dst.get(0));
            ByteBuffer small = ByteBuffer.allocateDirect(5);
            assertEquals(5, bytes.copyTo(60, small));
            assertEquals(61, small.get(0));
            assertEquals(0, bytes.copyTo(68, ByteBuffer.allocate(4)));
            ByteBuffer readOnly = ByteBuffer.allocate(4).asReadOnlyBuffer();
            assertThrows(ReadOnlyBufferException.class, () -> bytes.copyTo(0, readOnly));

            bytes.set(67, (byte) -1);
            assertEquals(-1, bytes.get(67));
        }
    }

    @Test
    void outOfRangeAccessIsRefused() {
        try (SlabBytes bytes = SlabBytes.create()) {
            bytes.append(new byte[10]);
            assertThrows(IndexOutOfBoundsException.class, () -> bytes.get(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> bytes.get(10));
            assertThrows(IndexOutOfBoundsException.class, () -> bytes.set(10, (byte) 0));
            assertThrows(IndexOutOfBoundsException.class, () -> bytes.copyTo(5, new byte[10], 0, 6));
            assertThrows(IndexOutOfBoundsException.class, () -> bytes.copyTo(0, new byte[3], 0, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> bytes.copyTo(11, ByteBuffer.allocate(1)));
            assertThrows(IndexOutOfBoundsException.class, () -> bytes.append(new byte[4], 2, 3));
            assertEquals(10, bytes.length());
        }
    }

    @Test
    void clearAndCloseGiveEveryChunkBack() {
        try (SlabEngine engine = SlabEngine.builder(SlabGeometry.of(64, 64, 4096)).build()) {
            SlabBytes bytes = SlabBytes.builder().chunks(engine).build();
            bytes.append(new byte[64 * 10 + 1]);
            assertEquals(11, bytes.chunkCount());
            assertEquals(11, engine.liveCount());
            bytes.clear();
            assertEquals(0, engine.liveCount());
            assertEquals(0, bytes.length());
            bytes.append(new byte[100]);
            assertEquals(2, engine.liveCount());
            bytes.close();
            assertEquals(0, engine.liveCount());
            assertFalse(engine.isClosed(), "a shared engine stays open");
            assertTrue(bytes.isClosed());
            bytes.close();
            assertThrows(IllegalStateException.class, () -> bytes.append((byte) 1));
            assertThrows(IllegalStateException.class, () -> bytes.get(0));
            assertThrows(IllegalStateException.class, bytes::toByteArray);
        }
    }

    @Test
    void anOwnEngineIsClosedWithTheSequence() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        SlabBytes bytes = SlabBytes.builder().memory(memory).build();
        bytes.append(new byte[100_000]);
        assertTrue(memory.heldBytes > 0);
        bytes.close();
        assertEquals(0, memory.heldBytes);
    }

    @Test
    void theDefaultSharedEngineAllowsMoreSequencesThanCacheTags() {
        List<SlabBytes> many = new ArrayList<>();
        for (int i = 0; i < SlabEngine.MAX_OPEN_CACHES + 100; i++) {
            SlabBytes b = SlabBytes.create();
            b.append((byte) i);
            many.add(b);
        }
        for (int i = 0; i < many.size(); i++) {
            assertEquals((byte) i, many.get(i).get(0));
            many.get(i).close();
        }
    }

    @Test
    void whenNoChunkCanBeHadAnAppendChangesNothing() {
        try (SlabBytes bytes = SlabBytes.builder().chunkSize(1024).maxBytes(64 << 10).build()) {
            byte[] piece = new byte[700];
            SplittableRandom random = Seeds.random("SlabBytesTest 3");
            List<byte[]> appended = new ArrayList<>();
            SlabOutOfMemoryException oom = null;
            while (oom == null) {
                random.nextBytes(piece);
                try {
                    bytes.append(piece);
                    appended.add(piece.clone());
                } catch (SlabOutOfMemoryException e) {
                    oom = e;
                }
            }
            long length = bytes.length();
            int chunks = bytes.chunkCount();
            assertEquals(appended.size() * 700L, length);
            assertThrows(SlabOutOfMemoryException.class, () -> bytes.append(new byte[5000]));
            assertThrows(SlabOutOfMemoryException.class, () -> bytes.append(MemorySegment.ofArray(new byte[5000])));
            ByteBuffer buffer = ByteBuffer.allocate(5000);
            assertThrows(SlabOutOfMemoryException.class, () -> bytes.append(buffer));
            assertEquals(0, buffer.position(), "a failed append leaves the source buffer alone");
            assertEquals(length, bytes.length());
            assertEquals(chunks, bytes.chunkCount(), "chunks taken by the failed append went back");
            byte[] all = bytes.toByteArray();
            for (int i = 0; i < appended.size(); i++) {
                assertArrayEquals(appended.get(i), Arrays.copyOfRange(all, i * 700, i * 700 + 700));
            }
            // Filling the last chunk needs no new one, so single bytes still fit until it is full.
            while (bytes.length() < (long) bytes.chunkCount() * 1024) {
                bytes.append((byte) 7);
            }
            assertThrows(SlabOutOfMemoryException.class, () -> bytes.append((byte) 7));
            bytes.clear();
            bytes.append(new byte[60_000]);   // recovered
            assertEquals(60_000, bytes.length());
        }
    }

    @Test
    void builderOptionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> SlabBytes.builder().chunkSize(100));
        assertThrows(IllegalArgumentException.class, () -> SlabBytes.builder().chunkSize(8));
        assertThrows(IllegalArgumentException.class, () -> SlabBytes.builder().chunkSize(2 << 20));
        assertThrows(IllegalArgumentException.class, () -> SlabBytes.builder().slabSize(3000));
        assertThrows(IllegalArgumentException.class, () -> SlabBytes.builder().maxBytes(-1));
        try (SlabEngine engine = SlabEngine.builder(SlabGeometry.of(64, 8, 4096)).build();
             SlabEngine odd = SlabEngine.builder(SlabGeometry.of(24, 8, 4096)).build()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> SlabBytes.builder().chunks(engine).chunkSize(128).build());
            assertTrue(e.getMessage().contains("excludes"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SlabBytes.builder().chunks(odd).build());
            assertTrue(e.getMessage().contains("24"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 64, 4096})
    void randomOperationsMatchAModel(int chunkSize) {
        SplittableRandom random = Seeds.random("SlabBytesTest " + (chunkSize));
        try (SlabBytes bytes = SlabBytes.builder().chunkSize(chunkSize).build(); Arena arena = Arena.ofConfined()) {
            byte[] model = new byte[1 << 16];
            int length = 0;
            for (int step = 0; step < 20_000; step++) {
                int op = random.nextInt(100);
                if (op < 30 || length == 0) {
                    int n = random.nextInt(1 + (random.nextBoolean() ? 40 : 3 * chunkSize));
                    if (length + n > model.length) {
                        bytes.clear();
                        length = 0;
                        continue;
                    }
                    byte[] src = new byte[n];
                    random.nextBytes(src);
                    switch (random.nextInt(5)) {
                        case 0 -> bytes.append(src);
                        case 1 -> bytes.append(ByteBuffer.wrap(src));
                        case 2 -> bytes.append(ByteBuffer.allocateDirect(n).put(src).flip());
                        case 3 -> bytes.append(arena.allocate(Math.max(1, n)).copyFrom(MemorySegment.ofArray(src))
                                .asSlice(0, n));
                        default -> {
                            for (byte b : src) {
                                bytes.append(b);
                            }
                        }
                    }
                    System.arraycopy(src, 0, model, length, n);
                    length += n;
                } else if (op < 60) {
                    int i = random.nextInt(length);
                    assertEquals(model[i], bytes.get(i), "byte " + i + " at step " + step);
                } else if (op < 70) {
                    int i = random.nextInt(length);
                    byte v = (byte) random.nextInt();
                    bytes.set(i, v);
                    model[i] = v;
                } else if (op < 95) {
                    int from = random.nextInt(length + 1);
                    int n = random.nextInt(length - from + 1);
                    byte[] out = new byte[n];
                    switch (random.nextInt(3)) {
                        case 0 -> bytes.copyTo(from, out, 0, n);
                        case 1 -> {
                            MemorySegment seg = arena.allocate(Math.max(1, n));
                            bytes.copyTo(from, seg, 0, n);
                            MemorySegment.copy(seg, JAVA_BYTE, 0, out, 0, n);
                        }
                        default -> {
                            ByteBuffer bb = ByteBuffer.allocate(n);
                            assertEquals(n, bytes.copyTo(from, bb));
                            out = bb.array();
                        }
                    }
                    assertArrayEquals(Arrays.copyOfRange(model, from, from + n), out, "step " + step);
                } else if (op < 99) {
                    assertArrayEquals(Arrays.copyOf(model, length), bytes.toByteArray());
                } else {
                    bytes.clear();
                    length = 0;
                }
                assertEquals(length, bytes.length());
                assertEquals((length + chunkSize - 1) / chunkSize, bytes.chunkCount());
            }
        }
    }
}
