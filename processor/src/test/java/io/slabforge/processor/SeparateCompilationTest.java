package io.slabforge.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.slabforge.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Embedding a record that comes from a jar (class files), as in a multi-module build. */
class SeparateCompilationTest {

    @Test
    void embeddedRecordFromClassFilesKeepsItsLengthAndAtomicAnnotations(@TempDir Path classes) throws IOException {
        JavaFileObject part = source("lib.Tag", "package lib;", "import io.slabforge.*;", "@SlabType",
                "public record Tag(@Atomic int count, @Length(6) byte[] code) {}");
        Compilation library = Sources.compileClean(part);
        for (JavaFileObject file : library.generatedFiles()) {
            if (file.getKind() == JavaFileObject.Kind.CLASS) {
                String path = file.toUri().getPath();
                Path out = classes.resolve(path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length()));
                Files.createDirectories(out.getParent());
                try (InputStream in = file.openInputStream()) {
                    Files.copy(in, out);
                }
            }
        }
        List<File> classpath = new ArrayList<>();
        classpath.add(classes.toFile());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classpath.add(new File(entry));
        }
        JavaFileObject user = source("app.Item", "package app;", "import io.slabforge.*;", "import lib.Tag;",
                "@SlabType", "public record Item(long id, Tag tag) {}");
        Compilation compilation = Compiler.javac().withProcessors(new SlabProcessor())
                .withOptions("-Xlint:all", "-Werror").withClasspath(classpath).compile(user);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("app.ItemSlab").contentsAsUtf8String()
                .contains("MemoryLayout.sequenceLayout(6, ValueLayout.JAVA_BYTE).withName(\"code\")");
        assertThat(compilation).generatedSourceFile("app.ItemSlab").contentsAsUtf8String()
                .contains("public int tagCountGetAndAdd(long handle, int delta)");
    }
}
