package io.slabforge.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/** Compiles test sources with the processor, and loads what it produced. */
final class Sources {
    private Sources() {}

    /** A source file; {@code lines} are joined with newlines, so line numbers in tests are easy to count. */
    static JavaFileObject source(String qualifiedName, String... lines) {
        return JavaFileObjects.forSourceString(qualifiedName, String.join("\n", lines) + "\n");
    }

    /** Compiles with the processor, treating every warning as an error under {@code -Xlint:all}. */
    static Compilation compileStrict(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new SlabProcessor())
                .withOptions("-Xlint:all", "-Werror")
                .compile(sources);
    }

    /** Compiles with the processor and default options. */
    static Compilation compile(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new SlabProcessor()).compile(sources);
    }

    /** Compiles and asserts success with no warnings at all. */
    static Compilation compileClean(JavaFileObject... sources) {
        Compilation compilation = compileStrict(sources);
        assertWithMessage("diagnostics: %s", compilation.diagnostics())
                .that(compilation.status()).isEqualTo(Compilation.Status.SUCCESS);
        List<String> noisy = compilation.diagnostics().stream()
                .filter(d -> d.getKind() != Diagnostic.Kind.NOTE).map(Object::toString).toList();
        assertWithMessage("warnings: %s", noisy).that(noisy).isEmpty();
        return compilation;
    }

    /** A class loader over the class files of a compilation, delegating everything else to the test's loader. */
    static ClassLoader load(Compilation compilation) {
        Map<String, byte[]> classes = new HashMap<>();
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() != JavaFileObject.Kind.CLASS) {
                continue;
            }
            String path = file.toUri().getPath();
            String name = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length(),
                    path.length() - ".class".length()).replace('/', '.');
            try (InputStream in = file.openInputStream()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                classes.put(name, bytes.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ClassLoader(Sources.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
    }
}
