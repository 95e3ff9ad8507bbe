package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Generated caches at run time, used as a user would: the records of this package are compiled with the processor
 * (as an annotation processor of this module's test compilation), and each {@code *Checks} class lists its checks
 * by name. Surefire runs this class twice, without and with native access (region and direct paths).
 */
class GeneratedCachesTest {

    @TestFactory
    Stream<DynamicTest> particle() {
        return dynamic(ParticleChecks.checks());
    }

    @TestFactory
    Stream<DynamicTest> componentTypes() {
        return dynamic(TypesChecks.checks());
    }

    @TestFactory
    Stream<DynamicTest> recordsAsUsersWriteThem() {
        return dynamic(RecordsChecks.checks());
    }

    @TestFactory
    Stream<DynamicTest> persistence() {
        return dynamic(PersistenceChecks.checks());
    }

    /**
     * The string setter and {@code symbolEquals} allocate nothing; a getter allocates only its String (24 bytes of
     * String and 24 of its byte[] for "AAPL" with compressed oops; 64 allows for uncompressed class pointers).
     */
    @Test
    void stringAccessorsAllocateNothingButTheGetterString() {
        long[] bytes = RecordsChecks.allocatedBytesOfStrings(100_000);
        assertEquals(0, bytes[0], "bytes allocated by 100,000 setter and symbolEquals calls");
        assertTrue(bytes[1] > 0 && bytes[1] <= 64, "bytes per getter call: " + bytes[1]);
    }

    /**
     * A flyweight walk over 100,000 slots allocates nothing on the heap. Measured with
     * {@code ThreadMXBean#getCurrentThreadAllocatedBytes} around one walk after 20 warm-up walks; the counter
     * itself allocates nothing, so any byte counted would be the walk's (e.g. a boxed value or a slice).
     */
    @Test
    void flyweightWalkOver100000SlotsAllocatesNothing() {
        assertEquals(0, ParticleChecks.allocatedBytesOfWalk(100_000), "bytes allocated by the walk");
    }

    private static Stream<DynamicTest> dynamic(Map<String, Runnable> checks) {
        return checks.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), e.getValue()::run));
    }
}
