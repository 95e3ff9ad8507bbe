package io.slabforge.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated source of {@code ParticleSlab}, compared character for character with
 * {@code src/test/resources/golden/ParticleSlab.java}.
 *
 * <p>After an intended change to the generated code, regenerate the golden file and review the diff:
 * <pre>
 * ./mvnw -B -pl processor -am test -Dtest=GoldenSourceTest -Dsurefire.failIfNoSpecifiedTests=false -Dslabforge.updateGolden=true
 * git diff processor/src/test/resources/golden
 * </pre>
 */
class GoldenSourceTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/ParticleSlab.java");

    static final JavaFileObject PARTICLE = Sources.source("com.example.Particle",
            "package com.example;",
            "",
            "import io.slabforge.SlabType;",
            "",
            "@SlabType(slabSize = 4096)",
            "public record Particle(double x, double y, double z, int id, int flags) {}");

    @Test
    void particleSlabMatchesGoldenFile() throws IOException {
        Compilation compilation = Sources.compileClean(PARTICLE);
        JavaFileObject generated = compilation.generatedSourceFile("com.example.ParticleSlab").orElseThrow();
        String actual = generated.getCharContent(true).toString();
        if (Boolean.getBoolean("slabforge.updateGolden")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
        }
        String expected = Files.readString(GOLDEN, StandardCharsets.UTF_8);
        assertWithMessage("generated ParticleSlab differs from %s; if the change is intended, rerun with"
                + " -Dslabforge.updateGolden=true and review the diff", GOLDEN.toAbsolutePath())
                .that(actual).isEqualTo(expected);
    }
}
