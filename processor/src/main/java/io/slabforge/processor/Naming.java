package io.slabforge.processor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one place that names what the processor generates: the generated class, the members of the cache, its
 * {@code Ref}, {@code Box} and {@code Column}, and every component accessor. The writers take their member names
 * from here and the validator derives the reserved names from here, so the two cannot disagree.
 *
 * <h2>The accessor rule</h2>
 * A component's accessors are named after it ({@code x(h)}, {@code x(h, v)}; {@code posX(h)} for field {@code x}
 * of an embedded {@code pos}). A name that is already a generated member of the cache, {@code Ref}, {@code Box}
 * or {@code Column}, or a method of {@code Object} (see {@link #RESERVED}), takes the suffix {@value #RENAMED}:
 * the OHLC bar {@code record Bar(long time, double open, double high, double low, double close, long volume)}
 * has {@code closeValue(h)} and {@code closeValue(h, v)}, because {@code close()} closes the cache and the
 * {@code Box}. The record itself, {@code LAYOUT} and the offsets keep the component's name. Derived accessors
 * follow the base name: {@code symbolEquals}, {@code symbolSegment}, {@code countVolatile}, {@code closeValueSegment}.
 * A name that still clashes (a component named {@code closeValue} beside {@code close}) is a compile error.
 */
final class Naming {
    /** Appended to a component accessor whose name a generated member has. */
    static final String RENAMED = "Value";

    // Members of the cache (also the SlabCache interface) ------------------------------------------------------
    static final String ALLOCATE = "allocate";
    static final String TRY_ALLOCATE = "tryAllocate";
    static final String FREE = "free";
    static final String IS_LIVE = "isLive";
    static final String GET = "get";
    static final String SET = "set";
    static final String REF = "ref";
    static final String BOX = "box";
    static final String SEGMENT = "segment";
    static final String FOR_EACH = "forEach";
    static final String SCAN = "scan";
    static final String LIVE_COUNT = "liveCount";
    static final String STATS = "stats";
    static final String LAYOUT_METHOD = "layout";
    static final String CLOSE = "close";
    static final String CREATE = "create";
    static final String BUILDER = "builder";
    static final String IS_DIRECT = "isDirect";
    static final String DESCRIBE = "describe";
    static final String COLUMN_OF = "columnOf";
    // Members of Ref, Box and Column
    static final String WRAP = "wrap";
    static final String HANDLE = "handle";
    static final String TO_RECORD = "toRecord";
    static final String IS_CLOSED = "isClosed";
    // Private helpers of the cache, called unqualified from its nested classes (a member of the same name in a
    // nested class would hide them). Only helpers that depend on the record are generated (HelpersWriter takes
    // their names from here); the rest (array copies, checks) are the runtime's SlabArrays and SlabChecks,
    // called qualified, so their names are free for components.
    static final String READ_SLOT = "readSlot";
    static final String WRITE_SLOT = "writeSlot";
    static final String ALLOCATE_COPY = "allocateCopy";
    static final String ZERO_PADDING = "zeroPadding";
    static final String REQUIRE_VALID = "requireValid";
    /** The generated private helpers. */
    static final List<String> HELPERS = List.of(READ_SLOT, WRITE_SLOT, ALLOCATE_COPY, ZERO_PADDING, REQUIRE_VALID);

    /** Suffixes of the extra accessors of an {@code @Atomic} component, in generation order. */
    static final List<String> ATOMIC_SUFFIXES = List.of("Volatile", "Acquire", "Release", "CompareAndSet", "GetAndAdd");
    /** Suffix of an array component's segment view. */
    static final String SEGMENT_SUFFIX = "Segment";
    /** Suffix of a string component's allocation-free comparison. */
    static final String EQUALS_SUFFIX = "Equals";

    /** Names of constants the cache declares; an offset constant never takes one. */
    static final Set<String> RESERVED_CONSTANTS = Set.of(
            "LAYOUT", "SLOT_SIZE", "SLOT_ALIGNMENT", "SLAB_SIZE", "SLOTS_PER_SLAB", "GEOMETRY");

    /** Every generated member name and every method of {@code Object}: a component accessor never takes one. */
    static final Set<String> RESERVED;

    static {
        Set<String> all = new LinkedHashSet<>(List.of(
                ALLOCATE, TRY_ALLOCATE, FREE, IS_LIVE, GET, SET, REF, BOX, SEGMENT, FOR_EACH, SCAN, LIVE_COUNT, STATS,
                LAYOUT_METHOD, CLOSE, CREATE, BUILDER, IS_DIRECT, DESCRIBE, COLUMN_OF,
                WRAP, HANDLE, TO_RECORD, IS_CLOSED));
        all.addAll(HELPERS);
        all.addAll(List.of("equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait", "clone",
                "finalize"));
        RESERVED = Set.copyOf(all);
    }

    private Naming() {}

    /**
     * The accessor base name of a component: its name, after {@code prefix} capitalised for a field of an
     * embedded record, with {@value #RENAMED} appended if a generated member has that name.
     */
    static String accessor(String prefix, String component) {
        String name = prefix.isEmpty() ? component : prefix + capitalize(component);
        return isReserved(name) ? name + RENAMED : name;
    }

    /** Whether the generated code declares a member called {@code name}. */
    static boolean isReserved(String name) {
        return RESERVED.contains(name);
    }

    /** Why {@code component}'s accessor is not its own name, for Javadoc; empty when it is. */
    static String renamedNote(String accessor, String prefix, String component) {
        String plain = prefix.isEmpty() ? component : prefix + capitalize(component);
        return accessor.equals(plain) ? "" : "Named {@code " + accessor + "} because {@code " + plain
                + "} is a generated member.\n";
    }

    /** Every accessor name a component of the given kind gets from its base name. */
    static List<String> accessorNames(String base, ComponentType type, boolean atomic) {
        List<String> names = new ArrayList<>();
        names.add(base);
        if (type instanceof ComponentType.ArrayType) {
            names.add(base + SEGMENT_SUFFIX);
        }
        if (type instanceof ComponentType.StringType) {
            names.add(base + EQUALS_SUFFIX);
        }
        if (atomic) {
            for (String suffix : ATOMIC_SUFFIXES) {
                names.add(base + suffix);
            }
        }
        return names;
    }

    /** The generated class's simple name: {@code cacheName}, or {@code <Outer>_<Record>Slab}. */
    static String cacheSimpleName(List<String> recordSimpleNames, String cacheName) {
        return cacheName.isEmpty() ? String.join("_", recordSimpleNames) + "Slab" : cacheName;
    }

    /** The offset constant of a component path: {@code POS_X_OFFSET}. */
    static String offsetConstant(List<String> path) {
        return String.join("_", path.stream().map(Naming::upperSnake).toList()) + "_OFFSET";
    }

    static String capitalize(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** {@code posX} to {@code POS_X}. */
    static String upperSnake(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(camel.charAt(i - 1))) {
                out.append('_');
            }
            out.append(c);
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
