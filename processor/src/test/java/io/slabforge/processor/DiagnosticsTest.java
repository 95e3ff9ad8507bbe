package io.slabforge.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static io.slabforge.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
            lines[4 + i] = "        " + components[i] + (i + 1 < components.length ? ", " : "");
        }
        lines[lines.length - 1] = ") {}";
        return source("test." + name, lines);
    }

    /**
     * Asserts an error on {@code line} of {@code file} that contains {@code text} (the wording, written out here so
     * that a change to it is a visible test change), is an instance of the catalogue entry {@code expected} and ends
     * with that entry's rule id.
     */
    private static void assertError(JavaFileObject file, int line, Message expected, String text) {
        Compilation compilation = compile(file);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining(text).inFile(file).onLine(line);
        assertThat(compilation).hadErrorContaining("[" + expected.rule.id + "]").inFile(file).onLine(line);
        boolean matched = compilation.errors().stream()
                .filter(d -> d.getLineNumber() == line)
                .anyMatch(d -> instanceOf(expected, d.getMessage(Locale.ROOT)));
        assertWithMessage("an error on line %s is %s (%s): %s", line, expected, expected.template,
                compilation.errors()).that(matched).isTrue();
    }

    // --- the catalogue: every entry is reported by some test of this class

    /** Catalogue entries seen in the compilations of this class. */
    private static final Set<Message> SEEN = EnumSet.noneOf(Message.class);
    /** Entries no compile-testing source can provoke, with why. */
    private static final Map<Message, String> UNREACHABLE_HERE = Map.of(
            Message.WRITE_FAILED, "needs the Filer to fail with an IOException",
            Message.TYPE_VARIABLE, "a guard: a record's own type variables are GENERIC_RECORD first, and a record"
                    + " (static) cannot see an enclosing class's",
            Message.ACCESSOR_IS_MEMBER, "a guard: Naming.accessor renames a base name that is a member, and no"
                    + " member name ends with a derived suffix (Segment, Equals, Volatile, ...)");
    private static int testsRun;

    /** Compiles with the processor and records which catalogue entries it reported. */
    private static Compilation compile(JavaFileObject... sources) {
        return seen(Sources.compile(sources));
    }

    private static Compilation seen(Compilation compilation) {
        for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
            recordSeen(d.getMessage(Locale.ROOT));
        }
        return compilation;
    }

    /** Records the entries a printed message is an instance of, and those of its embedded causes. */
    private static void recordSeen(String printed) {
        for (Message m : Message.values()) {
            String suffix = " [" + m.rule.id + "]";
            String text = printed.endsWith(suffix) ? printed.substring(0, printed.length() - suffix.length())
                    : printed;
            Matcher matcher = m.pattern().matcher(text);
            if (matcher.matches()) {
                SEEN.add(m);
                for (int g = 1; g <= matcher.groupCount(); g++) {
                    recordSeen(matcher.group(g));
                }
            }
        }
    }

    private static boolean instanceOf(Message m, String printed) {
        String suffix = " [" + m.rule.id + "]";
        return printed.endsWith(suffix)
                && m.pattern().matcher(printed.substring(0, printed.length() - suffix.length())).matches();
    }

    @AfterEach
    void countTest() {
        testsRun++;
    }

    @AfterAll
    static void everyCatalogueEntryIsReportedBySomeTest() {
        long tests = java.util.Arrays.stream(DiagnosticsTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).count();
        if (testsRun < tests) {
            return; // a filtered run (-Dtest=DiagnosticsTest#one) cannot see every entry
        }
        Set<Message> missing = EnumSet.allOf(Message.class);
        missing.removeAll(SEEN);
        missing.removeAll(UNREACHABLE_HERE.keySet());
        assertWithMessage("catalogue entries no test reports").that(missing).isEmpty();
    }

    @Test
    void everyCatalogueEntryFormatsItsParametersInOrder() {
        for (Message m : Message.values()) {
            Object[] arguments = m.parameters.stream().map(p -> "<" + p + ">").toArray();
            String text = m.format(arguments);
            assertWithMessage("%s", m).that(text).doesNotContain("{");
            assertWithMessage("%s", m).that(m.pattern().matcher(text).matches()).isTrue();
            for (String p : m.parameters) {
                assertWithMessage("%s", m).that(text).contains("<" + p + ">");
            }
        }
        assertThat(Message.SLAB_SIZE_NOT_POWER_OF_TWO.print(1000, 1024))
                .isEqualTo("slabSize 1000 is not a power of two; use 1024 [slabforge.slab-size]");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Message.ALIGN_NEGATIVE.format(1));
    }

    @Test
    void everyRuleHasACatalogueEntry() {
        Set<Rule> rules = EnumSet.noneOf(Rule.class);
        for (Message m : Message.values()) {
            rules.add(m.rule);
        }
        assertThat(rules).containsExactlyElementsIn(EnumSet.allOf(Rule.class));
    }

    // --- kind

    @Test
    void slabTypeOnClassIsAnErrorOnTheClass() {
        JavaFileObject file = source("test.BadClass",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType",
                "public class BadClass {}");
        assertError(file, 4, Message.NOT_A_RECORD, "@SlabType applies to records only; BadClass is a class");
    }

    @Test
    void slabTypeOnInterfaceIsAnError() {
        JavaFileObject file = source("test.BadInterface",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType",
                "public interface BadInterface {}");
        assertError(file, 4, Message.NOT_A_RECORD, "@SlabType applies to records only; BadInterface is an interface");
    }

    @Test
    void slabTypeOnEnumIsAnError() {
        JavaFileObject file = source("test.BadEnum",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType",
                "public enum BadEnum { A }");
        assertError(file, 4, Message.NOT_A_RECORD, "@SlabType applies to records only; BadEnum is an enum");
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
        assertError(file, 4, Message.SLAB_SIZE_NOT_POWER_OF_TWO, "slabSize 1000 is not a power of two; use 1024");
    }

    @Test
    void slabSizeZeroIsAnError() {
        assertError(record("Zero", "@SlabType(slabSize = 0)", "long a"), 3,
                Message.SLAB_SIZE_NOT_POSITIVE, "slabSize 0 is not positive; use a power of two such as 4096");
    }

    @Test
    void slabSizeNegativeIsAnError() {
        assertError(record("Negative", "@SlabType(slabSize = -4096)", "long a"), 3,
                Message.SLAB_SIZE_NOT_POSITIVE, "slabSize -4096 is not positive");
    }

    @Test
    void slabSizeTooSmallNamesTheSlotAndPowerOfTwo() {
        assertError(record("Small", "@SlabType(slabSize = 16)", "double x", "double y", "double z", "int id",
                        "int flags"), 3,
                Message.SLAB_SIZE_TOO_SMALL, "slabSize 16 is too small for one 32-byte slot of Small; use 32");
    }

    @Test
    void slabSizeOfExactlyOneSlotIsFine() {
        // a slab holds slots only: no header, no generation words
        JavaFileObject file = record("Exact", "@SlabType(slabSize = 32)", "double x", "double y", "double z",
                "int id", "int flags");
        Compilation compilation = compile(file);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.ExactSlab").contentsAsUtf8String()
                .contains("public static final int SLOTS_PER_SLAB = 1;");
    }

    @Test
    void slabSizeOneByteShortOfOneSlotIsAnError() {
        // 4104 bytes: one long more than the default slab
        assertError(record("Over", "@SlabType(slabSize = 4096)", "@Length(513) long[] values"), 3,
                Message.SLAB_SIZE_TOO_SMALL, "slabSize 4096 is too small for one 4104-byte slot of Over; use 8192");
    }

    @Test
    void defaultSlabSizeTooSmallIsAnErrorOnTheRecord() {
        assertError(record("Big", "@SlabType", "@Length(1000) long[] values"), 4,
                Message.DEFAULT_SLAB_SIZE_TOO_SMALL, "slabSize 4096 (the default) is too small for one 8000-byte slot of Big; use 8192");
    }

    @Test
    void defaultSlabSizeOfExactlyOneSlotIsFine() {
        assertThat(compile(record("Page", "@SlabType", "@Length(512) long[] values"))).succeededWithoutWarnings();
    }

    @Test
    void slotLargerThanTheLargestSlabIsAnErrorOnTheRecord() {
        // 2,097,153 longs: 8 bytes more than 16 MiB
        assertError(record("Huge2", "@SlabType", "@Length(2097153) long[] values"), 4,
                Message.SLOT_TOO_LARGE, "slot of Huge2 is 16777224 bytes, more than the largest slab of 16777216 bytes (16 MiB); make the"
                        + " record smaller");
    }

    @Test
    void slotOfExactlyTheLargestSlabFitsTheLargestSlab() {
        assertError(record("Max", "@SlabType", "@Length(2097152) long[] values"), 4,
                Message.DEFAULT_SLAB_SIZE_TOO_SMALL, "slabSize 4096 (the default) is too small for one 16777216-byte slot of Max; use 16777216");
    }

    @Test
    void slabSizeAboveMaximumIsAnError() {
        assertError(record("Huge", "@SlabType(slabSize = 1 << 25)", "long a"), 3,
                Message.SLAB_SIZE_ABOVE_MAXIMUM, "slabSize 33554432 is above the maximum 16777216 (16 MiB); use 16777216 or less");
    }

    // --- slot size and alignment

    @Test
    void slotSmallerThanFourBytesIsAnErrorOnTheRecord() {
        assertError(record("Tiny", "@SlabType", "short a"), 4,
                Message.SLOT_TOO_SMALL, "slot of Tiny is 2 bytes; a slot needs at least 4 bytes to hold the free-list link");
    }

    @Test
    void slotAlignmentBelowFourSuggestsAlign4() {
        assertError(record("Pair", "@SlabType", "short a", "short b"), 4,
                Message.SLOT_ALIGNMENT_TOO_SMALL, "slot alignment of Pair is 2; slots must be at least 4-aligned to hold the free-list link:"
                        + " add align = 4 to @SlabType");
    }

    @Test
    void explicitAlignBelowFourIsAnErrorOnTheValue() {
        assertError(record("Pair2", "@SlabType(align = 2)", "short a", "short b"), 3,
                Message.ALIGN_BELOW_SLOT_MINIMUM, "align 2 is below the minimum slot alignment 4");
    }

    @Test
    void alignNotPowerOfTwoIsAnErrorOnTheValue() {
        JavaFileObject file = source("test.Twelve",
                "package test;",
                "import io.slabforge.SlabType;",
                "@SlabType(slabSize = 4096, ",
                "        align = 12)",
                "public record Twelve(long a) {}");
        assertError(file, 4, Message.ALIGN_NOT_POWER_OF_TWO, "align 12 is not a power of two; use 16");
    }

    @Test
    void alignBelowNaturalAlignmentIsAnErrorOnTheValue() {
        assertError(record("Wide", "@SlabType(align = 4)", "long a"), 3,
                Message.ALIGN_BELOW_NATURAL, "align 4 is below the natural alignment 8 of Wide");
    }

    @Test
    void negativeAlignIsAnError() {
        assertError(record("NegativeAlign", "@SlabType(align = -8)", "long a"), 3, Message.ALIGN_NEGATIVE, "align -8 is negative");
    }

    // --- components

    @Test
    void stringComponentIsAnErrorOnTheComponent() {
        assertError(record("Named", "@SlabType", "long id", "String name"), 6,
                Message.UNSIZED_STRING, "component name has type String, which has no fixed size; use @Length(n) String (at most n bytes"
                        + " of UTF-8, stored inline)");
    }

    @Test
    void boxedComponentIsAnErrorNamingThePrimitive() {
        assertError(record("Boxed", "@SlabType", "long a", "Integer count"), 6,
                Message.BOXED_PRIMITIVE, "component count has type Integer, a boxed primitive, which may be null and has no inline layout;"
                        + " use int instead");
    }

    @Test
    void objectComponentIsAnError() {
        assertError(record("Any", "@SlabType", "Object thing", "long a"), 5,
                Message.CLASS, "component thing has type Object, a class, which has no fixed layout; use a primitive, an enum,"
                        + " a @Length array or a @SlabType record");
    }

    @Test
    void collectionComponentIsAnError() {
        assertError(record("Listy", "@SlabType", "long a", "java.util.List<String> names"), 6,
                Message.COLLECTION, "component names has type List<String>, a collection, which has no fixed size; use a @Length(n)"
                        + " primitive array");
    }

    @Test
    void interfaceComponentIsAnError() {
        assertError(record("Task", "@SlabType", "long a", "Runnable action"), 6,
                Message.INTERFACE, "component action has type Runnable, an interface, whose implementations have no fixed layout");
    }

    @Test
    void arrayWithoutLengthIsAnError() {
        assertError(record("NoLength", "@SlabType", "long a", "int[] values"), 6,
                Message.LENGTH_MISSING, "array component values needs @Length(n)");
    }

    @Test
    void arrayOfNonPrimitivesIsAnError() {
        assertError(record("Strings", "@SlabType", "long a", "@Length(4) String[] names"), 6,
                Message.ARRAY_OF_OBJECTS, "component names has type String[], an array of String; only arrays of primitives can be stored"
                        + " inline");
    }

    @Test
    void multiDimensionalArrayIsAnError() {
        assertError(record("Grid", "@SlabType", "long a", "@Length(4) int[][] cells"), 6,
                Message.MULTI_DIMENSIONAL_ARRAY, "component cells has type int[][], a multi-dimensional array; use one @Length(rows * columns)"
                        + " array");
    }

    @Test
    void recordWithoutSlabTypeIsAnErrorOnTheComponent() {
        JavaFileObject plain = source("test.Plain", "package test;", "public record Plain(long a) {}");
        JavaFileObject file = record("Holder", "@SlabType", "long a", "Plain p");
        Compilation compilation = compile(file, plain);
        assertThat(compilation).hadErrorContaining("component p has type Plain, a record without @SlabType;"
                + " annotate Plain with @SlabType to embed it").inFile(file).onLine(6);
    }

    // --- @Length

    @Test
    void lengthZeroIsAnErrorOnTheValue() {
        assertError(record("ZeroLength", "@SlabType", "long a", "@Length(0) byte[] bytes"), 6,
                Message.LENGTH_NOT_POSITIVE, "@Length(0) on component bytes must be at least 1");
    }

    @Test
    void lengthNegativeIsAnError() {
        assertError(record("NegativeLength", "@SlabType", "long a", "@Length(-3) byte[] bytes"), 6,
                Message.LENGTH_NOT_POSITIVE, "@Length(-3) on component bytes must be at least 1");
    }

    @Test
    void lengthOnNonArrayIsAnErrorOnTheComponent() {
        assertError(record("LengthOnLong", "@SlabType", "@Length(4) long a"), 5,
                Message.LENGTH_NOT_APPLICABLE, "@Length applies to array and String components only; component a has type long: remove @Length");
    }

    // --- generics and reachability

    @Test
    void genericRecordIsAnErrorOnTheRecord() {
        assertError(source("test.Box", "package test;", "import io.slabforge.SlabType;", "@SlabType",
                        "public record Box<T>(T value, long a) {}"), 4,
                Message.GENERIC_RECORD, "generic record Box<T> is not supported: type parameters have no fixed layout");
    }

    @Test
    void privateRecordIsAnError() {
        assertError(source("test.Host", "package test;", "import io.slabforge.SlabType;", "class Host {",
                        "    @SlabType", "    private record Hidden(long a) {}", "}"), 5,
                Message.PRIVATE_RECORD, "record Hidden is private; the generated Host_HiddenSlab cannot reach it");
    }

    @Test
    void recordNestedInPrivateClassIsAnError() {
        assertError(source("test.Host2", "package test;", "import io.slabforge.SlabType;", "class Host2 {",
                        "    private static class Inner {", "        @SlabType",
                        "        record Deep(long a) {}", "    }", "}"), 6,
                Message.NESTED_IN_PRIVATE, "Deep is nested in the private class Inner; the generated Host2_Inner_DeepSlab cannot reach it");
    }

    @Test
    void localRecordIsAnError() {
        // found because the same file declares a member @SlabType record (see package-info for the limit)
        JavaFileObject file = source("test.Host3", "package test;", "import io.slabforge.SlabType;", "class Host3 {",
                "    void m() {", "        @SlabType record Local(long a) {}", "    }",
                "    @SlabType record Member(long a) {}", "}");
        Compilation compilation = compile(file);
        assertThat(compilation).hadErrorContaining("record Local is local; the generated cache cannot reach it")
                .inFile(file).onLine(5);
    }

    // --- embedding cycles

    @Test
    void recordEmbeddingItselfIsAnErrorOnTheRecord() {
        assertError(record("Node", "@SlabType", "long a", "Node next"), 4, Message.CYCLE,
                "Node embeds itself: Node -> Node");
    }

    @Test
    void embeddingCycleIsReportedOnEveryRecordInIt() {
        JavaFileObject a = record("A", "@SlabType", "long x", "B b");
        JavaFileObject b = record("B", "@SlabType", "long y", "A a");
        Compilation compilation = compile(a, b);
        assertThat(compilation).hadErrorContaining("A embeds itself: A -> B -> A").inFile(a).onLine(4);
        assertThat(compilation).hadErrorContaining("B embeds itself: B -> A -> B").inFile(b).onLine(4);
    }

    @Test
    void embeddingACyclicRecordIsAnErrorOnTheComponent() {
        JavaFileObject a = record("Outside", "@SlabType", "long x", "C c");
        JavaFileObject c = record("C", "@SlabType", "long y", "D d");
        JavaFileObject d = record("D", "@SlabType", "long z", "C c");
        Compilation compilation = compile(a, c, d);
        assertThat(compilation).hadErrorContaining("component c embeds C, which cannot be laid out: C embeds"
                + " itself: C -> D -> C").inFile(a).onLine(6);
    }

    // --- names

    @Test
    void cacheNameClashingWithExistingTypeIsAnErrorOnTheValue() {
        JavaFileObject vec = source("corpus.Vec3", "package corpus;", "public class Vec3 {}");
        JavaFileObject file = source("corpus.Point", "package corpus;", "import io.slabforge.SlabType;",
                "@SlabType(slabSize = 4096, ", "        cacheName = \"Vec3\")", "public record Point(long a) {}");
        Compilation compilation = compile(file, vec);
        assertThat(compilation).hadErrorContaining("cacheName Vec3 clashes with the existing type corpus.Vec3")
                .inFile(file).onLine(4);
    }

    @Test
    void defaultCacheNameClashingWithExistingTypeIsAnErrorOnTheRecord() {
        JavaFileObject existing = source("test.PointSlab", "package test;", "public class PointSlab {}");
        JavaFileObject file = record("Point", "@SlabType", "long a");
        Compilation compilation = compile(file, existing);
        assertThat(compilation).hadErrorContaining("the generated class name PointSlab clashes with the existing"
                + " type test.PointSlab; set @SlabType(cacheName = \"...\")").inFile(file).onLine(4);
    }

    @Test
    void twoRecordsWithTheSameCacheNameIsAnError() {
        JavaFileObject a = record("First", "@SlabType(cacheName = \"Shared\")", "long a");
        JavaFileObject b = record("Second", "@SlabType(cacheName = \"Shared\")", "long a");
        Compilation compilation = compile(a, b);
        assertThat(compilation).hadErrorContaining("the generated class name test.Shared is already taken by the"
                + " cache of test.First").inFile(b).onLine(3);
    }

    @Test
    void cacheNameNotAnIdentifierIsAnError() {
        assertError(record("BadName", "@SlabType(cacheName = \"9lives\")", "long a"), 3,
                Message.INVALID_CACHE_NAME, "cacheName \"9lives\" is not a valid Java class name");
    }

    /** The array copies are the runtime's SlabArrays now: their names are free for components (no suffix). */
    @Test
    void componentsNamedLikeTheRuntimeHelpersKeepTheirNames() throws Exception {
        JavaFileObject file = record("Copies", "@SlabType", "@Length(2) long[] copyIn", "@Length(3) int[] copyOut",
                "int checkIndex");
        Compilation compilation = seen(Sources.compileClean(file));
        String source = compilation.generatedSourceFile("test.CopiesSlab").orElseThrow().getCharContent(true)
                .toString();
        assertThat(source).contains("public long[] copyIn(long handle) {");
        assertThat(source).contains("public int[] copyOut(long handle) {");
        assertThat(source).contains("public int checkIndex(long handle) {");
        assertThat(source).doesNotContain("copyInValue(long handle)"); // no accessor renamed
        assertThat(Naming.RESERVED).containsAtLeastElementsIn(Naming.HELPERS);
        assertThat(Naming.RESERVED).containsNoneOf("copyIn", "copyOut", "checkIndex", "badArray", "enumAt");
        ClassLoader loader = Sources.load(compilation);
        Class<?> cache = loader.loadClass("test.CopiesSlab");
        try (AutoCloseable slab = (AutoCloseable) cache.getMethod("create").invoke(null)) {
            long h = (long) cache.getMethod("allocate").invoke(slab);
            cache.getMethod("copyIn", long.class, long[].class).invoke(slab, h, new long[] {5, 6});
            assertThat((long[]) cache.getMethod("copyIn", long.class).invoke(slab, h)).asList()
                    .containsExactly(5L, 6L).inOrder();
        }
    }

    @Test
    void componentNamedLikeAGeneratedMemberIsAccessedWithTheValueSuffix() throws java.io.IOException {
        JavaFileObject file = record("Bar", "@SlabType", "long time", "double open", "double high", "double low",
                "double close", "long volume");
        Compilation compilation = seen(Sources.compileClean(file));
        String source = compilation.generatedSourceFile("test.BarSlab").orElseThrow().getCharContent(true).toString();
        com.google.common.truth.Truth.assertThat(source).contains("public double closeValue(long handle) {");
        com.google.common.truth.Truth.assertThat(source).contains("public void closeValue(long handle, double value) {");
        com.google.common.truth.Truth.assertThat(source).contains("public double closeValue() {");
        com.google.common.truth.Truth.assertThat(source).contains("ValueLayout.JAVA_DOUBLE.withName(\"close\")");
        com.google.common.truth.Truth.assertThat(source).contains("because {@code close} is a generated member");
        // Every reserved name a record component can have (javac refuses Object's no-argument methods itself).
        java.util.Set<String> javacRefuses = java.util.Set.of("clone", "finalize", "getClass", "hashCode", "notify",
                "notifyAll", "toString", "wait");
        for (String name : Naming.RESERVED) {
            if (!javacRefuses.contains(name)) {
                Sources.compileClean(record("R" + Math.abs(name.hashCode()), "@SlabType", "int " + name));
            }
        }
    }

    @Test
    void renamedAccessorClashingWithAComponentIsAnErrorOnTheComponent() {
        assertError(record("Clash", "@SlabType", "double close", "double closeValue"), 6,
                Message.ACCESSOR_TAKEN, "component closeValue needs an accessor closeValue (for closeValue), which clashes with the"
                        + " accessor generated for close; rename the component");
    }

    @Test
    void stringAccessorClashingWithAComponentIsAnError() {
        assertError(record("Clash", "@SlabType", "@Length(4) String symbol", "boolean symbolEquals"), 6,
                Message.ACCESSOR_TAKEN, "component symbolEquals needs an accessor symbolEquals (for symbolEquals), which clashes with the"
                        + " accessor generated for symbol");
    }

    @Test
    void everyRuleHasADistinctStableId() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Rule rule : Rule.values()) {
            com.google.common.truth.Truth.assertThat(rule.id).matches("slabforge\\.[a-z]+(-[a-z]+)*");
            com.google.common.truth.Truth.assertThat(ids.add(rule.id)).isTrue();
        }
        com.google.common.truth.Truth.assertThat(Rule.SLAB_SIZE.format("x")).isEqualTo("x [slabforge.slab-size]");
    }

    @Test
    void embeddedErrorNamesTheInnermostCauseFromTheSubReport() {
        JavaFileObject inner = record("Inner", "@SlabType", "String s");
        JavaFileObject middle = record("Middle", "@SlabType", "Inner i");
        JavaFileObject outer = record("Outer", "@SlabType", "Middle m");
        Compilation compilation = compile(outer, middle, inner);
        assertThat(compilation).hadErrorContaining("component m embeds Middle, which cannot be laid out: component s"
                + " has type String, which has no fixed size").inFile(outer).onLine(5);
        assertThat(compilation).hadErrorContaining("[" + Rule.EMBEDDED.id + "]").inFile(outer).onLine(5);
    }

    @Test
    void lengthZeroOnStringIsAnError() {
        assertError(record("ZeroString", "@SlabType", "long a", "@Length(0) String s"), 6,
                Message.LENGTH_NOT_POSITIVE, "@Length(0) on component s must be at least 1");
    }

    @Test
    void lengthStringCompilesCleanly() {
        Sources.compileClean(record("Sym", "@SlabType", "long a", "@Length(12) String symbol"));
    }

    @Test
    void slabSizeErrorIsReportedTogetherWithComponentErrors() {
        JavaFileObject file = record("Many", "@SlabType(slabSize = 1000, align = 3)", "long id", "String name",
                "Object other");
        Compilation compilation = compile(file);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("slabSize 1000 is not a power of two; use 1024 ["
                + Rule.SLAB_SIZE.id + "]").inFile(file).onLine(3);
        assertThat(compilation).hadErrorContaining("align 3 is not a power of two; use 4 [" + Rule.ALIGN.id + "]")
                .inFile(file).onLine(3);
        assertThat(compilation).hadErrorContaining("component name has type String").inFile(file).onLine(6);
        assertThat(compilation).hadErrorContaining("[" + Rule.COMPONENT_TYPE.id + "]").inFile(file).onLine(7);
        assertThat(compilation).hadErrorCount(4);
    }

    @Test
    void flattenedAccessorClashingWithComponentIsAnError() {
        JavaFileObject vec = record("V2", "@SlabType", "double x", "double y");
        JavaFileObject file = record("Body", "@SlabType", "V2 pos", "double posX");
        Compilation compilation = compile(file, vec);
        assertThat(compilation).hadErrorContaining("component posX needs an accessor posX (for posX), which"
                + " clashes with the accessor generated for pos.x").inFile(file).onLine(6);
    }

    // --- @Atomic

    @Test
    void atomicOnDoubleIsAnErrorOnTheComponent() {
        assertError(record("AtomicDouble", "@SlabType", "long a", "@Atomic double d"), 6,
                Message.ATOMIC_NOT_APPLICABLE, "@Atomic applies to int and long components only; component d has type double");
    }

    // --- reordering warning

    @Test
    void reorderingThatSavesBytesIsAWarning() {
        JavaFileObject file = record("Loose", "@SlabType", "byte a", "long b", "byte c");
        Compilation compilation = compile(file);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningContaining("reordering the components of Loose as (long b, byte a,"
                + " byte c) would make each slot 16 bytes instead of 24 (8 bytes saved per slot); reorder them,"
                + " or add @SuppressWarnings(\"slabforge.layout\")").inFile(file).onLine(4);
    }

    @Test
    void reorderingWarningIsSilencedBySuppressWarnings() {
        JavaFileObject file = record("Quiet", "@SuppressWarnings(\"slabforge.layout\") @SlabType", "byte a",
                "long b", "byte c");
        assertThat(compile(file)).succeededWithoutWarnings();
    }

    @Test
    void paddingThatOnlyMovesIsNoWarning() {
        // 4 + 4 (padding) + 8 = 16 either way: reordering to (long, int) still rounds up to 16
        assertThat(compile(record("Tight", "@SlabType", "int a", "long b"))).succeededWithoutWarnings();
    }

    // --- source level, broken code, internal errors

    @Test
    void releaseBelow22IsAnError() {
        JavaFileObject file = record("Old", "@SlabType", "long a");
        Compilation compilation = com.google.testing.compile.Compiler.javac()
                .withProcessors(new SlabProcessor()).withOptions("--release", "21").compile(file);
        seen(compilation);
        assertThat(compilation).hadErrorContaining("Slabforge caches use the FFM API (java.lang.foreign) of Java"
                + " 22+, but this compilation targets Java 21; compile with --release 22 or later")
                .inFile(file).onLine(4);
    }

    @Test
    void unresolvedComponentTypeFailsCleanly() {
        JavaFileObject file = record("Broken", "@SlabType", "long a", "Missing m");
        Compilation compilation = compile(file);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("cannot find symbol");
        assertThat(compilation).hadErrorContaining("no slab cache was generated for test.Broken: the type of"
                + " component m cannot be resolved").inFile(file).onLine(4);
    }

    @Test
    void unresolvedArrayElementTypeFailsCleanly() {
        JavaFileObject file = record("BrokenArray", "@SlabType", "long a", "@Length(2) Missing[] m");
        Compilation compilation = compile(file);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("no slab cache was generated for test.BrokenArray: the element"
                + " type of component m cannot be resolved; fix that error first [" + Rule.UNRESOLVED.id + "]")
                .inFile(file).onLine(4);
    }

    @Test
    void componentTypeGeneratedByAnotherProcessorIsWaitedFor() {
        // Colour does not exist until EnumGenerator writes it in round 1: the record is deferred, not rejected.
        JavaFileObject file = record("Paint", "@SlabType", "long a", "Colour colour");
        Compilation compilation = com.google.testing.compile.Compiler.javac()
                .withProcessors(new EnumGenerator(), new SlabProcessor()).compile(file);
        assertThat(compilation).succeeded();
        assertThat(compilation).generatedSourceFile("test.PaintSlab");
    }

    /** Writes {@code enum test.Colour} in its first round, as another annotation processor might. */
    @javax.annotation.processing.SupportedAnnotationTypes("*")
    static final class EnumGenerator extends javax.annotation.processing.AbstractProcessor {
        private boolean done;

        @Override
        public javax.lang.model.SourceVersion getSupportedSourceVersion() {
            return javax.lang.model.SourceVersion.latestSupported();
        }

        @Override
        public boolean process(java.util.Set<? extends javax.lang.model.element.TypeElement> annotations,
                               javax.annotation.processing.RoundEnvironment round) {
            if (!done) {
                done = true;
                try (java.io.Writer out = processingEnv.getFiler().createSourceFile("test.Colour").openWriter()) {
                    out.write("package test; public enum Colour { RED, GREEN }");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return false;
        }
    }

    @Test
    void malformedAnnotationValuesAreLeftToJavac() {
        JavaFileObject file = record("Malformed", "@SlabType(slabSize = \"big\")", "long a", "@Length byte[] b");
        Compilation compilation = compile(file);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("incompatible types").inFile(file).onLine(3);
        for (var d : compilation.errors()) {
            org.junit.jupiter.api.Assertions.assertFalse(d.getMessage(null).contains("slabforge internal error"),
                    d.toString());
        }
    }

    @Test
    void embeddingARecordWithErrorsIsAnErrorOnTheComponent() {
        JavaFileObject bad = record("BadPart", "@SlabType", "String s");
        JavaFileObject file = record("Whole", "@SlabType", "long a", "BadPart part");
        Compilation compilation = compile(file, bad);
        assertThat(compilation).hadErrorContaining("component part embeds BadPart, which cannot be laid out:"
                + " component s has type String").inFile(file).onLine(6);
        assertThat(compilation).hadErrorContaining("component s has type String").inFile(bad).onLine(5);
    }

    @Test
    void internalFailureIsACompilerErrorWithPrefix() {
        JavaFileObject file = record("Fine", "@SlabType", "long a");
        Compilation compilation = com.google.testing.compile.Compiler.javac()
                .withProcessors(new SlabProcessor(type -> {
                    throw new IllegalStateException("simulated bug");
                }))
                .compile(file);
        seen(compilation);
        assertThat(compilation).hadErrorContaining("[slabforge internal error] could not process test.Fine:"
                + " java.lang.IllegalStateException: simulated bug").inFile(file).onLine(4);
    }
}
