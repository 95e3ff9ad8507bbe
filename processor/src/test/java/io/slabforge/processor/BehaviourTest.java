package io.slabforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Generated caches at run time: see {@code src/test/resources/behaviour/com/example/*Checks.java}. */
class BehaviourTest {
    /** Every record and check class under src/test/resources/behaviour. */
    static final String[] ALL = {
        "com/example/Particle.java", "com/example/Mixed.java", "com/example/Side.java", "com/example/Vec3.java",
        "com/example/Order.java", "com/example/Line.java", "com/example/Shape.java", "com/example/Big.java",
        "com/example/WithBig.java", "com/example/Counter.java", "com/example/Outer.java", "com/example/Other.java",
        "com/example/Named.java", "com/example/Meter.java", "com/example/Wide16.java",
        "com/example/HoldsWide.java", "com/example/Locals.java", "com/example/PaddedCounter.java", "com/example/ParticleChecks.java", "com/example/TypesChecks.java",
        "com/example/Quote.java", "com/example/Fill.java", "com/example/Bar.java", "com/example/Tagged.java",
        "com/example/RecordsChecks.java", "com/example/PersistenceChecks.java"
    };

    private static ClassLoader loader;

    @BeforeAll
    static void compile() {
        loader = Behaviour.compileAndLoad(ALL);
    }

    @TestFactory
    Stream<DynamicTest> particle() throws ReflectiveOperationException {
        return Behaviour.checks(loader, "com.example.ParticleChecks");
    }

    @TestFactory
    Stream<DynamicTest> componentTypes() throws ReflectiveOperationException {
        return Behaviour.checks(loader, "com.example.TypesChecks");
    }

    @TestFactory
    Stream<DynamicTest> recordsAsUsersWriteThem() throws ReflectiveOperationException {
        return Behaviour.checks(loader, "com.example.RecordsChecks");
    }

    /**
     * The string setter and {@code symbolEquals} allocate nothing; a getter allocates only its String (24 bytes of
     * String and 24 of its byte[] for "AAPL" with compressed oops; 64 allows for uncompressed class pointers).
     */
    @Test
    void stringAccessorsAllocateNothingButTheGetterString() throws ReflectiveOperationException {
        long[] bytes = (long[]) loader.loadClass("com.example.RecordsChecks")
                .getMethod("allocatedBytesOfStrings", int.class).invoke(null, 100_000);
        assertEquals(0, bytes[0], "bytes allocated by 100,000 setter and symbolEquals calls");
        org.junit.jupiter.api.Assertions.assertTrue(bytes[1] > 0 && bytes[1] <= 64,
                "bytes per getter call: " + bytes[1]);
    }

    @TestFactory
    Stream<DynamicTest> persistence() throws ReflectiveOperationException {
        return Behaviour.checks(loader, "com.example.PersistenceChecks");
    }

    /**
     * A flyweight walk over 100,000 slots allocates nothing on the heap. Measured with
     * {@code ThreadMXBean#getCurrentThreadAllocatedBytes} around one walk after 20 warm-up walks; the counter
     * itself allocates nothing, so any byte counted would be the walk's (e.g. a boxed value or a slice).
     */
    @Test
    void flyweightWalkOver100000SlotsAllocatesNothing() throws ReflectiveOperationException {
        long bytes = (long) loader.loadClass("com.example.ParticleChecks")
                .getMethod("allocatedBytesOfWalk", int.class).invoke(null, 100_000);
        assertEquals(0, bytes, "bytes allocated by the walk");
    }
}
