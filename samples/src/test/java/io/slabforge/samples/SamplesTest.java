package io.slabforge.samples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

/** Every sample runs to completion (each checks its own results and throws if they are wrong). */
class SamplesTest {

    @Test
    void quickStart() {
        assertDoesNotThrow(() -> QuickStart.main(new String[0]));
    }

    @Test
    void orderBookChurn() {
        assertDoesNotThrow(() -> OrderBookChurn.main(new String[] {"100000", "1000000"}));
    }

    @Test
    void nativeInterop() {
        assertDoesNotThrow(() -> NativeInterop.main(new String[0]));
    }

    @Test
    void producerConsumer() {
        assertDoesNotThrow(() -> ProducerConsumer.main(new String[] {"200000"}));
    }

    @Test
    void allocatorSample() {
        assertDoesNotThrow(() -> AllocatorSample.main(new String[] {"5000"}));
    }

    @Test
    void byteQueueSample() {
        assertDoesNotThrow(() -> ByteQueueSample.main(new String[] {"50000"}));
    }

    @Test
    void leakReport() {
        assertDoesNotThrow(() -> LeakReport.main(new String[0]));
    }
}
