package io.slabforge.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.DynamicTest;

/**
 * Compiles the records and check classes under {@code src/test/resources/behaviour} with the processor, loads the
 * result and runs the checks: generated caches exercised as a user would, through real Java code.
 */
final class Behaviour {
    private Behaviour() {}

    static ClassLoader compileAndLoad(String... resources) {
        JavaFileObject[] sources = Stream.of(resources).map(Behaviour::resource).toArray(JavaFileObject[]::new);
        Compilation compilation = Sources.compile(sources);
        assertWithMessage("diagnostics: %s", compilation.diagnostics())
                .that(compilation.status()).isEqualTo(Compilation.Status.SUCCESS);
        return Sources.load(compilation);
    }

    private static JavaFileObject resource(String path) {
        URL url = Behaviour.class.getResource("/behaviour/" + path);
        if (url == null) {
            throw new IllegalArgumentException("no test resource behaviour/" + path);
        }
        try {
            return JavaFileObjects.forSourceString(path.replace('/', '.').replace(".java", ""),
                    new String(url.openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One dynamic test per entry of {@code checksClass.checks()}. */
    @SuppressWarnings("unchecked")
    static Stream<DynamicTest> checks(ClassLoader loader, String checksClass) throws ReflectiveOperationException {
        Method checks = loader.loadClass(checksClass).getMethod("checks");
        Map<String, Runnable> all = (Map<String, Runnable>) checks.invoke(null);
        return all.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), e.getValue()::run));
    }
}
