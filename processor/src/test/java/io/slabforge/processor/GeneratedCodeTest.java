package io.slabforge.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Properties of the generated source for every record of the functional tests
 * ({@code functional/src/test/java/com/example}, which run the generated caches): one set of records for both.
 */
class GeneratedCodeTest {
    /** The functional module's records, from this module's directory (Surefire runs tests there). */
    static final Path RECORDS = Path.of(System.getProperty("slabforge.functionalRecords",
            "../functional/src/test/java/com/example"));

    static JavaFileObject[] records() {
        try (Stream<Path> files = Files.list(RECORDS)) {
            JavaFileObject[] records = files
                    .filter(f -> !f.getFileName().toString().endsWith("Checks.java"))
                    .filter(f -> !f.getFileName().toString().endsWith("Test.java"))
                    .sorted()
                    .map(GeneratedCodeTest::resource)
                    .toArray(JavaFileObject[]::new);
            assertWithMessage("records under %s", RECORDS.toAbsolutePath()).that(records).isNotEmpty();
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("the functional module's records are read from " + RECORDS.toAbsolutePath()
                    + " (set -Dslabforge.functionalRecords)", e);
        }
    }

    static JavaFileObject resource(Path file) {
        try {
            return JavaFileObjects.forSourceString("com.example." + file.getFileName().toString().replace(".java", ""),
                    Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.regex.Pattern CACHE_ACCESSOR = java.util.regex.Pattern.compile(
            "(?ms)^    public [^\n(]*? (\\w+)\\(long handle(?:, ([^)]*))?\\) \\{\n(.*?)^    }$");
    private static final java.util.regex.Pattern NESTED_ACCESSOR = java.util.regex.Pattern.compile(
            "(?ms)^        public [^\n(]*? (\\w+)\\(([^)]*)\\) \\{\n(.*?)^        }$");

    /**
     * One body writer (AccessorWriter with a target) produces the cache's, {@code Ref}'s and {@code Box}'s
     * accessors: for every accessor, the three bodies are the same statements, except the {@code Box}'s
     * {@code long handle = handle();} and the fluent {@code return this;}. They are generated rather than delegated
     * to the cache on purpose (see ARCHITECTURE, processor): {@code Ref}'s fast path reads its own field, with no
     * call to inline and no handle check of its own.
     */
    @Test
    void cacheRefAndBoxAccessorsHaveTheSameBodies() throws IOException {
        Compilation compilation = Sources.compileClean(records());
        int compared = 0;
        int ownScalarAccessors = 0;
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            String source = file.getCharContent(true).toString();
            int ref = source.indexOf("    public static final class Ref extends SlabRef {");
            int box = source.indexOf("    public static final class Box extends SlabBox {");
            int afterBox = source.indexOf("\n    public static final class ", box + 1);
            java.util.Map<String, String> cache = bodies(CACHE_ACCESSOR, source.substring(0, ref), true);
            java.util.Map<String, String> refs = bodies(NESTED_ACCESSOR, source.substring(ref, box), false);
            java.util.Map<String, String> boxes = bodies(NESTED_ACCESSOR,
                    source.substring(box, afterBox < 0 ? source.length() : afterBox), false);
            refs.keySet().retainAll(cache.keySet()); // drop wrap, handle, toRecord...
            boxes.keySet().retainAll(cache.keySet());
            assertWithMessage("Ref accessors of %s", file.getName()).that(refs.keySet()).isNotEmpty();
            assertWithMessage("Box accessors of %s are Ref's", file.getName()).that(boxes.keySet())
                    .containsExactlyElementsIn(refs.keySet());
            for (String key : refs.keySet()) {
                // A Ref's scalar accesses are its own (SlabRef's: in place while scan positions it), else the same.
                String refBody = OWN_SCALAR_ACCESS.matcher(refs.get(key)).replaceAll("$1engine.$2");
                if (!refBody.equals(refs.get(key))) {
                    ownScalarAccessors++;
                }
                assertWithMessage("Ref.%s of %s", key, file.getName()).that(refBody).isEqualTo(cache.get(key));
                assertWithMessage("Box.%s of %s", key, file.getName()).that(boxes.get(key)).isEqualTo(cache.get(key));
                compared++;
            }
        }
        assertThat(compared).isAtLeast(100);
        assertThat(ownScalarAccessors).isAtLeast(50);
    }

    /** A call of SlabRef's own {@code getDouble(GEOMETRY, ...)} and the like, not the engine's. */
    private static final java.util.regex.Pattern OWN_SCALAR_ACCESS = java.util.regex.Pattern.compile(
            "(^|[^.\\w])((?:get|set)(?:Byte|Boolean|Short|Char|Int|Float|Long|Double)\\(GEOMETRY)",
            java.util.regex.Pattern.MULTILINE);

    /** Accessor name and parameters (without the cache's handle) to its statements, normalised. */
    private static java.util.Map<String, String> bodies(java.util.regex.Pattern pattern, String code,
                                                        boolean cache) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        java.util.regex.Matcher m = pattern.matcher(code);
        while (m.find()) {
            String parameters = m.group(2) == null ? "" : m.group(2);
            String body = m.group(3).lines().map(String::strip)
                    .filter(l -> !l.equals("long handle = handle();") && !l.equals("return this;"))
                    .collect(java.util.stream.Collectors.joining("\n"));
            out.put(m.group(1) + "(" + parameters + ")", body);
        }
        return out;
    }

    /** The atomic accessor table writes exactly the suffixes Naming reserves for it, in order. */
    @Test
    void atomicAccessorTableMatchesTheNamingAuthority() {
        List<String> suffixes = Stream.of(AccessorWriter.AtomicAccessor.values()).map(r -> r.suffix).distinct()
                .toList();
        assertThat(suffixes).containsExactlyElementsIn(Naming.ATOMIC_SUFFIXES).inOrder();
    }

    /** -Xlint:all (which includes -Xlint:restricted, flagging restricted FFM methods) with -Werror. */
    @Test
    void everyGeneratedCacheCompilesWarningFreeUnderXlintAllWerror() throws IOException {
        Compilation compilation = Sources.compileClean(records());
        long sources = compilation.generatedSourceFiles().size();
        assertThat(sources).isEqualTo(21);
        if (Boolean.getBoolean("slabforge.dumpGenerated")) {
            for (JavaFileObject file : compilation.generatedSourceFiles()) {
                Path out = Path.of("target/generated-dump" + file.toUri().getPath().replaceFirst(".*SOURCE_OUTPUT", ""));
                Files.createDirectories(out.getParent());
                Files.writeString(out, file.getCharContent(true));
            }
        }
    }

    /**
     * The javadoc tool with {@code -Xdoclint:all} (whose "missing" group flags any public member without a comment)
     * finds nothing to complain about in any generated cache.
     */
    @Test
    void generatedJavadocPassesDoclintAll(@TempDir Path dir) throws IOException {
        Compilation compilation = Sources.compileClean(records());
        List<File> files = new ArrayList<>();
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            files.add(write(dir, file.toUri().getPath().replaceFirst(".*SOURCE_OUTPUT/", ""),
                    file.getCharContent(true).toString()));
        }
        for (JavaFileObject record : records()) {
            files.add(write(dir, record.getName().replaceFirst("^/", ""), record.getCharContent(true).toString()));
        }
        assertThat(files).hasSize(21 + records().length);
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = javadoc.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javadoc.getTask(null, fileManager, diagnostics, null,
                    List.of("-Xdoclint:all", "-quiet", "-Xmaxwarns", "100000", "-Xmaxerrs", "100000", "-d", dir.resolve("out").toString(),
                            "-cp", System.getProperty("java.class.path")),
                    fileManager.getJavaFileObjectsFromFiles(files)).call();
            List<String> aboutGenerated = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getSource() != null && d.getSource().getName().matches(".*(Slab|Cache)\\.java"))
                    .map(Object::toString).toList();
            assertWithMessage("doclint on generated sources").that(aboutGenerated).isEmpty();
            assertWithMessage("javadoc: %s", diagnostics.getDiagnostics()).that(ok).isTrue();
        }
    }

    private static File write(Path dir, String relative, String content) throws IOException {
        Path path = dir.resolve("src").resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        return path.toFile();
    }

    @Test
    void headerNamesTheRecordAndTheGenerator() throws IOException {
        Compilation compilation = Sources.compileClean(records());
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            String source = file.getCharContent(true).toString();
            assertThat(source).startsWith("// Generated by io.slabforge.processor.SlabProcessor from com.example.");
            assertThat(source).contains("@Generated(\"io.slabforge.processor.SlabProcessor\")");
        }
    }
}
