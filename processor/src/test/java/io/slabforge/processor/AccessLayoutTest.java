package io.slabforge.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Pins the layouts of the generated code: accessors and helpers read and write only through the class's access
 * layout constants, which are the unaligned value layouts (the byte-sized ones have no unaligned variant), while
 * {@code LAYOUT}, the C struct, keeps the aligned ones. Why: see {@link ConstantsWriter}.
 */
class AccessLayoutTest {
    private static final Pattern LAYOUT_INITIALIZER =
            Pattern.compile("public static final StructLayout LAYOUT = (.*?);\n", Pattern.DOTALL);
    private static final Pattern ACCESS_CONSTANT = Pattern.compile(
            "private static final ValueLayout\\.Of(\\w+) (\\w+) = ValueLayout\\.(\\w+);");
    /** {@code slab.get(X, ...)}, {@code engine.slabOf(handle).set(X, ...)}: the layout argument of an access. */
    private static final Pattern ACCESS = Pattern.compile("\\.(?:get|set)\\((\\w+), ");
    private static final Pattern BULK_COPY =
            Pattern.compile("MemorySegment\\.copy\\((?:slab|array, 0, slab), (\\w+), ");

    @Test
    void accessorsUseTheUnalignedLayoutsAndLayoutKeepsTheAlignedOnes() throws IOException {
        Compilation compilation = Sources.compileClean(GeneratedCodeTest.records());
        Set<String> typesSeen = new LinkedHashSet<>();
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            String source = file.getCharContent(true).toString();
            String name = file.getName();

            Matcher layout = LAYOUT_INITIALIZER.matcher(source);
            assertWithMessage("LAYOUT in %s", name).that(layout.find()).isTrue();
            assertWithMessage("LAYOUT of %s", name).that(layout.group(1)).contains("ValueLayout.JAVA_");
            assertWithMessage("LAYOUT of %s", name).that(layout.group(1)).doesNotContain("UNALIGNED");
            String rest = source.substring(0, layout.start()) + source.substring(layout.end());

            Map<String, String> constants = new LinkedHashMap<>();
            Matcher constant = ACCESS_CONSTANT.matcher(rest);
            while (constant.find()) {
                String type = constant.group(1).toUpperCase(Locale.ROOT);
                String expected = type.equals("BYTE") || type.equals("BOOLEAN")
                        ? "JAVA_" + type : "JAVA_" + type + "_UNALIGNED";
                assertWithMessage("%s in %s", constant.group(), name).that(constant.group(3)).isEqualTo(expected);
                assertWithMessage("one constant per layout in %s", name)
                        .that(constants.put(constant.group(2), type)).isNull();
                typesSeen.add(type);
            }
            assertWithMessage("access layout constants of %s", name).that(constants).isNotEmpty();
            assertWithMessage("every ValueLayout named outside LAYOUT in %s is an access constant's initializer",
                    name).that(count(rest, "ValueLayout.JAVA_")).isEqualTo(constants.size());

            Set<String> used = new LinkedHashSet<>();
            for (Pattern access : List.of(ACCESS, BULK_COPY)) {
                Matcher m = access.matcher(rest);
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
            assertWithMessage("layouts of the accesses in %s", name).that(constants.keySet())
                    .containsAtLeastElementsIn(used);
            assertWithMessage("every access constant of %s is used", name).that(used)
                    .containsAtLeastElementsIn(constants.keySet());
        }
        assertWithMessage("the records under test use every scalar").that(typesSeen).containsExactly(
                "BOOLEAN", "BYTE", "SHORT", "CHAR", "INT", "FLOAT", "LONG", "DOUBLE");
    }

    /** {@code INT.values()} would read a constant named {@code INT}: the constant takes another name. */
    @Test
    void accessConstantsStepAsideForEnumsOfTheSameName() throws IOException {
        Compilation compilation = Sources.compileClean(
                Sources.source("com.example.INT", "package com.example;", "", "public enum INT { A, B }"),
                Sources.source("com.example.Tagged",
                        "package com.example;",
                        "",
                        "import io.slabforge.SlabType;",
                        "",
                        "@SlabType",
                        "public record Tagged(INT tag, int count) {}"));
        String source = compilation.generatedSourceFile("com.example.TaggedSlab").orElseThrow()
                .getCharContent(true).toString();
        assertThat(source).contains("INT_VALUES = INT.values();");
        assertThat(source).contains("private static final ValueLayout.OfInt INT_ = ValueLayout.JAVA_INT_UNALIGNED;");
        assertThat(source).contains("slab.get(INT_, base + COUNT_OFFSET)");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
