package io.slabforge.processor;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.slabforge.internal.SlabEngine;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Generated code states the runtime contract it was written for; on a runtime that implements another contract the
 * cache class fails at initialisation with both versions named, not with a {@code NoSuchMethodError} later.
 */
class ContractVersionTest {

    @Test
    void generatedClassForAnotherContractFailsAtClassInitNamingBothVersions() throws IOException {
        Compilation generated = Sources.compileClean(GoldenSourceTest.PARTICLE);
        String source = generated.generatedSourceFile("com.example.ParticleSlab").orElseThrow()
                .getCharContent(true).toString();
        String stated = "SlabEngine.requireContract(\n            " + Names.CONTRACT_VERSION + ",";
        assertThat(source).contains(stated);
        String future = source.replace(stated, "SlabEngine.requireContract(\n            99,");

        Compilation compilation = Compiler.javac().withOptions("-proc:none")
                .compile(GoldenSourceTest.PARTICLE, JavaFileObjects.forSourceString("com.example.ParticleSlab", future));
        assertThat(compilation.status()).isEqualTo(Compilation.Status.SUCCESS);
        ClassLoader loader = Sources.load(compilation);

        ExceptionInInitializerError error = assertThrows(ExceptionInInitializerError.class,
                () -> Class.forName("com.example.ParticleSlab", true, loader));
        assertThat(error.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(error.getCause()).hasMessageThat().contains(
                "com.example.ParticleSlab was generated for Slabforge runtime contract 99 but this"
                        + " slabforge-runtime implements contract " + SlabEngine.CONTRACT_VERSION);
    }

    @Test
    void generatedClassForThisContractInitialises() throws ReflectiveOperationException {
        ClassLoader loader = Sources.load(Sources.compileClean(GoldenSourceTest.PARTICLE));
        Class<?> cache = Class.forName("com.example.ParticleSlab", true, loader);
        // a slab holds slots only: 4096 / 32
        assertThat(cache.getField("SLOTS_PER_SLAB").getInt(null)).isEqualTo(128);
    }

    /**
     * A class whose geometry disagrees with the runtime's (here the 113 slots per slab of contract 3, which kept a
     * header and generation words in the slab) fails at initialisation naming both numbers.
     */
    @Test
    void generatedClassForAnotherGeometryFailsAtClassInitNamingBoth() throws IOException {
        String source = Sources.compileClean(GoldenSourceTest.PARTICLE)
                .generatedSourceFile("com.example.ParticleSlab").orElseThrow().getCharContent(true).toString();
        String stated = "public static final int SLOTS_PER_SLAB = 128;";
        assertThat(source).contains(stated);
        String other = source.replace(stated, "public static final int SLOTS_PER_SLAB = 113;");

        Compilation compilation = Compiler.javac().withOptions("-proc:none")
                .compile(GoldenSourceTest.PARTICLE, JavaFileObjects.forSourceString("com.example.ParticleSlab", other));
        assertThat(compilation.status()).isEqualTo(Compilation.Status.SUCCESS);
        ClassLoader loader = Sources.load(compilation);

        ExceptionInInitializerError error = assertThrows(ExceptionInInitializerError.class,
                () -> Class.forName("com.example.ParticleSlab", true, loader));
        assertThat(error.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(error.getCause()).hasMessageThat().contains(
                "com.example.ParticleSlab was generated for 113 slots per slab but this runtime lays out 128");
    }
}
