package io.slabforge.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.slabforge.processor.Sources.compile;
import static io.slabforge.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per compile-time check: the message (value, limit, fix), the file and the line. Sources put the
 * annotation, the record and each component on lines of their own, so that the line proves the element.
 */
class DiagnosticsTest {

    /** A record in package test: line 1 package, 2 import, 3 annotation, 4 record header, 5.. components. */
    private static JavaFileObject record(String name, String annotation, String... components) {
        String[] lines = new String[5 + components.length];
        lines[0] = "package test;";
        lines[1] = "import io.slabforge.*;";
        lines[2] = annotation;
        lines[3] = "public record " + name + "(";
        for (int i = 0; i < components.length; i++) {
            lines[4 + i] = "        " + components[i] + (i + 1 < components.length ? "," : "");
        }
        lines[lines.length - 1] = ") {}";
        return source("test." + name, lines);
    }

    private static void assertError(JavaFileObject file, int line, String message) {
        Compilation compilation = compile(file);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining(message).inFile(file).onLine(line);
    }

    // --- kind

    @Test
    void slabTypeOnClassIsAnErrorOnTheClass() {
        JavaFileObject file = source("test.BadClass",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType",
                "public class BadClass {}");
        assertError(file, 4, "@SlabType applies to records only; BadClass is a class");
    }

    @Test
    void slabTypeOnInterfaceIsAnError() {
        JavaFileObject file = source("test.BadInterface",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType",
                "public interface BadInterface {}");
        assertError(file, 4, "@SlabType applies to records only; BadInterface is an interface");
    }

    @Test
    void slabTypeOnEnumIsAnError() {
        JavaFileObject file = source("test.BadEnum",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType",
                "public enum BadEnum { A }");
        assertError(file, 4, "@SlabType applies to records only; BadEnum is an enum");
    }

    // --- slabSize

    @Test
    void slabSizeNotPowerOfTwoIsAnErrorOnTheValue() {
        JavaFileObject file = source("test.Odd",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType(",
                "        slabSize = 1000)",
                "public record Odd(long a) {}");
        assertError(file, 4, "slabSize 1000 is not a power of two; use 1024");
    }

    @Test
    void slabSizeZeroIsAnError() {
        assertError(record("Zero", "@SlabType(slabSize = 0)", "long a"), 3,
                "slabSize 0 is not positive; use a power of two such as 4096");
    }

    @Test
    void slabSizeNegativeIsAnError() {
        assertError(record("Negative", "@SlabType(slabSize = -4096)", "long a"), 3,
                "slabSize -4096 is not positive");
    }

    @Test
    void slabSizeTooSmallNamesBytesNeededAndPowerOfTwo() {
        assertError(record("Small", "@SlabType(slabSize = 16)", "double x", "double y", "double z", "int id",
                        "int flags"), 3,
                "slabSize 16 is too small: the slab header and one 32-byte slot need 72 bytes; use 128");
    }

    @Test
    void defaultSlabSizeTooSmallIsAnErrorOnTheRecord() {
        assertError(record("Big", "@SlabType", "@Length(1000) long[] values"), 4,
                "slabSize 4096 (the default) is too small: the slab header and one 8000-byte slot need 8040"
                        + " bytes; use 8192");
    }

    @Test
    void slabSizeAboveMaximumIsAnError() {
        assertError(record("Huge", "@SlabType(slabSize = 1 << 25)", "long a"), 3,
                "slabSize 33554432 is above the maximum 16777216 (16 MiB); use 16777216 or less");
    }

    // --- slot size and alignment

    @Test
    void slotSmallerThanFourBytesIsAnErrorOnTheRecord() {
        assertError(record("Tiny", "@SlabType", "short a"), 4,
                "slot of Tiny is 2 bytes; a slot needs at least 4 bytes to hold the free-list link");
    }

    @Test
    void slotAlignmentBelowFourSuggestsAlign4() {
        assertError(record("Pair", "@SlabType", "short a", "short b"), 4,
                "slot alignment of Pair is 2; slots must be at least 4-aligned to hold the free-list link:"
                        + " add align = 4 to @SlabType");
    }

    @Test
    void explicitAlignBelowFourIsAnErrorOnTheValue() {
        assertError(record("Pair2", "@SlabType(align = 2)", "short a", "short b"), 3,
                "align 2 is below the minimum slot alignment 4");
    }

    @Test
    void alignNotPowerOfTwoIsAnErrorOnTheValue() {
        JavaFileObject file = source("test.Twelve",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType(slabSize = 4096,",
                "        align = 12)",
                "public record Twelve(long a) {}");
        assertError(file, 4, "align 12 is not a power of two; use 16");
    }

    @Test
    void alignBelowNaturalAlignmentIsAnErrorOnTheValue() {
        assertError(record("Wide", "@SlabType(align = 4)", "long a"), 3,
                "align 4 is below the natural alignment 8 of Wide");
    }

    @Test
    void negativeAlignIsAnError() {
        assertError(record("NegativeAlign", "@SlabType(align = -8)", "long a"), 3, "align -8 is negative");
    }

    // --- components

    @Test
    void stringComponentIsAnErrorOnTheComponent() {
        assertError(record("Named", "@SlabType", "long id", "String name"), 6,
                "component name has type String, which has no fixed size; use @Length(n) byte[] or char[]");
    }
}
