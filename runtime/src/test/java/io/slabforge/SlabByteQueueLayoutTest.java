package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * The spsc queue's producer and consumer fields sit at least 128 bytes apart (two cache lines, as JCTools pads), and
 * 128 bytes from the queue's other fields, on the JVM's actual layout (JOL): the padding relies on the JVM laying out
 * superclass fields first.
 */
class SlabByteQueueLayoutTest {
    private static final long PAD = 128;
    private static final Set<String> PRODUCER = Set.of("tail", "tailOffset", "linkedAhead", "last", "produced",
            "written", "producer");
    private static final Set<String> CONSUMER = Set.of("head", "headOffset", "consumed", "read", "consumer");
    private static final Set<String> SHARED = Set.of("chunks", "chunkSize", "spsc", "closed");

    @Test
    void producerAndConsumerFieldsAreTwoLinesApart() {
        ClassLayout layout = ClassLayout.parseClass(SlabByteQueue.class);
        List<FieldLayout> producer = fields(layout, PRODUCER);
        List<FieldLayout> consumer = fields(layout, CONSUMER);
        List<FieldLayout> shared = fields(layout, SHARED);
        assertEquals(PRODUCER.size(), producer.size(), layout.toPrintable());
        assertEquals(CONSUMER.size(), consumer.size(), layout.toPrintable());
        assertEquals(SHARED.size(), shared.size(), layout.toPrintable());
        assertTrue(start(producer) >= PAD, layout.toPrintable());
        assertTrue(end(producer) + PAD <= start(consumer), layout.toPrintable());
        assertTrue(end(consumer) + PAD <= start(shared), layout.toPrintable());
    }

    /** The positions accessed with release stores and acquire loads are plain fields, read through VarHandles. */
    @Test
    void publishedCountsArePlainFields() throws NoSuchFieldException {
        for (String name : List.of("written", "read")) {
            Class<?> host = name.equals("written") ? SlabByteQueueProducerFields.class
                                                    : SlabByteQueueConsumerFields.class;
            assertFalse(Modifier.isVolatile(host.getDeclaredField(name).getModifiers()), name);
        }
    }

    private static List<FieldLayout> fields(ClassLayout layout, Set<String> names) {
        return layout.fields().stream().filter(f -> names.contains(f.name())).toList();
    }

    private static long start(List<FieldLayout> fields) {
        return fields.stream().mapToLong(FieldLayout::offset).min().orElseThrow();
    }

    private static long end(List<FieldLayout> fields) {
        return fields.stream().mapToLong(f -> f.offset() + f.size()).max().orElseThrow();
    }
}
