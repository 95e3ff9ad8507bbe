package io.slabforge.internal;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * The one seed of every randomized test: {@code -Dslabforge.seed=N} (Maven passes it on to the test JVM), else a
 * fresh random seed per test JVM. Each test derives its own stream from the seed and a name of its own, so one seed
 * reproduces every test of a run.
 *
 * <p>The seed is in every failure message: tests that use {@link #random} or {@link #seed} are annotated
 * {@code @ExtendWith(Seeds.class)}, which prints the seed before the class runs and adds it to any failure that
 * does not already name it; assertion messages built in the tests use {@link #msg}.
 *
 * <pre>{@code
 * ./mvnw -B -o -pl runtime test -Dtest=HandleValidationTest -Dslabforge.seed=1234
 * }</pre>
 */
public final class Seeds implements BeforeAllCallback, TestExecutionExceptionHandler {
    /** The seed of this test JVM. */
    public static final long SEED;
    /** Whether the seed was given with {@code -Dslabforge.seed}. */
    public static final boolean GIVEN;

    static {
        Long given = Long.getLong("slabforge.seed");
        GIVEN = given != null;
        SEED = given != null ? given : new SplittableRandom().nextLong();
    }

    /** For JUnit's {@code @ExtendWith}. */
    public Seeds() {}

    /** How to rerun with this seed, for messages. */
    public static String rerun() {
        return "[slabforge.seed=" + SEED + ": rerun with -Dslabforge.seed=" + SEED + "]";
    }

    /** {@code text} with the seed. */
    public static String msg(String text) {
        return text + " " + rerun();
    }

    /** A lazily built message with the seed, for assertions in hot loops. */
    public static Supplier<String> msg(Supplier<String> text) {
        return () -> text.get() + " " + rerun();
    }

    /** The seed of the stream named {@code name}: stable for one {@link #SEED}, different per name. */
    public static long seed(String name) {
        long z = SEED ^ (name.hashCode() * 0x9E37_79B9_7F4A_7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** The random stream named {@code name}. */
    public static SplittableRandom random(String name) {
        return new SplittableRandom(seed(name));
    }

    /** The stream named {@code name} as a {@link Random}, for {@code Collections.shuffle}. */
    public static Random javaRandom(String name) {
        return new Random(seed(name));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        System.out.println(context.getDisplayName() + ": " + rerun() + (GIVEN ? " (given)" : " (random)"));
    }

    /** Adds the seed to a failure unless it names it already; aborted tests (assumptions) pass through. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (thrown instanceof TestAbortedException || String.valueOf(thrown.getMessage()).contains("slabforge.seed=")) {
            throw thrown;
        }
        AssertionError withSeed = new AssertionError(thrown + " " + rerun(), thrown);
        withSeed.setStackTrace(thrown.getStackTrace());
        throw withSeed;
    }
}
