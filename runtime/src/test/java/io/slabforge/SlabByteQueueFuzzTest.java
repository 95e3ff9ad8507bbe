package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Fuzzed write/read/peek/skip sequences on a queue, checked byte for byte against an {@code ArrayDeque<Byte>}.
 * Runs the committed inputs ({@code SlabByteQueueFuzzTestInputs/}) in every build; {@code scripts/fuzz.sh} fuzzes.
 */
class SlabByteQueueFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void behavesLikeADeque(FuzzedDataProvider data) {
        boolean spsc = data.consumeBoolean();
        int chunkSize = 16 << data.consumeInt(0, 4);
        SlabByteQueue.Builder builder = SlabByteQueue.builder().chunkSize(chunkSize);
        if (data.consumeBoolean()) {
            builder.maxBytes((64L << 10) * data.consumeInt(1, 2)); // whole slabs of the queue's own chunk engine
        }
        ArrayDeque<Byte> model = new ArrayDeque<>();
        try (SlabByteQueue queue = spsc ? builder.buildSpsc() : builder.build()) {
            while (data.remainingBytes() > 0) {
                switch (data.consumeInt(0, 8)) {
                    case 0 -> write(queue, model, new byte[] {data.consumeByte()}, true);
                    case 1 -> write(queue, model, data.consumeBytes(data.consumeInt(0, 3 * chunkSize)), false);
                    case 2 -> writeSegment(queue, model, data.consumeBytes(data.consumeInt(0, 3 * chunkSize)));
                    case 3 -> assertEquals(model.isEmpty() ? -1 : model.poll() & 0xFF, queue.read());
                    case 4 -> readBulk(queue, model, data.consumeInt(0, 3 * chunkSize), data.consumeBoolean());
                    case 5 -> assertEquals(model.isEmpty() ? -1 : model.peek() & 0xFF, queue.peek());
                    case 6 -> peekBulk(queue, model, data.consumeInt(0, 3 * chunkSize));
                    case 7 -> {
                        long n = data.consumeLong(0, 4L * chunkSize);
                        long skipped = Math.min(n, model.size());
                        for (long i = 0; i < skipped; i++) {
                            model.poll();
                        }
                        assertEquals(skipped, queue.skip(n));
                    }
                    default -> {
                        queue.clear();
                        model.clear();
                    }
                }
                assertEquals(model.size(), queue.size());
                assertEquals(model.isEmpty(), queue.isEmpty());
            }
        }
    }

    private static void write(SlabByteQueue queue, ArrayDeque<Byte> model, byte[] bytes, boolean single) {
        try {
            if (single) {
                queue.write(bytes[0]);
            } else {
                queue.write(bytes);
            }
        } catch (SlabOutOfMemoryException e) {
            return; // all or nothing: the model stays as it was
        }
        for (byte b : bytes) {
            model.add(b);
        }
    }

    private static void writeSegment(SlabByteQueue queue, ArrayDeque<Byte> model, byte[] bytes) {
        try {
            if (bytes.length % 2 == 0) {
                queue.write(MemorySegment.ofArray(bytes));
            } else {
                ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                queue.write(buffer);
                assertEquals(0, buffer.remaining());
            }
        } catch (SlabOutOfMemoryException e) {
            return;
        }
        for (byte b : bytes) {
            model.add(b);
        }
    }

    private static void readBulk(SlabByteQueue queue, ArrayDeque<Byte> model, int count, boolean segment) {
        byte[] dst = new byte[count];
        int n = segment ? (int) queue.read(MemorySegment.ofArray(dst)) : queue.read(dst, 0, count);
        assertEquals(Math.min(count, model.size()), n);
        for (int i = 0; i < n; i++) {
            assertEquals((byte) model.poll(), dst[i], "byte " + i);
        }
    }

    private static void peekBulk(SlabByteQueue queue, ArrayDeque<Byte> model, int count) {
        byte[] dst = new byte[count];
        int n = queue.peek(dst, 0, count);
        assertEquals(Math.min(count, model.size()), n);
        Iterator<Byte> it = model.iterator();
        for (int i = 0; i < n; i++) {
            assertEquals((byte) it.next(), dst[i], "byte " + i);
        }
    }
}
