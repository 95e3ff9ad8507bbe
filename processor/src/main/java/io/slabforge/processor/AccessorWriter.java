package io.slabforge.processor;

import static javax.lang.model.element.Modifier.PUBLIC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the field accessors of every stored value for one target: the cache (a {@code long handle} parameter),
 * {@code Ref} (its wrapped handle, fluent setters) or {@code Box} (its owned handle, fluent setters). Every access
 * is an engine call with the handle and a constant offset ({@code engine.getDouble(handle, X_OFFSET)}): the engine
 * validates the handle as the cache was built to and bounds the access to the slot.
 */
final class AccessorWriter {

    /** Where accessors are generated. */
    enum Target { CACHE, REF, BOX, COLUMN }

    /** Suffix of an array component's segment view. */
    static final String SEGMENT_SUFFIX = Naming.SEGMENT_SUFFIX;

    private static final CodeBlock HANDLE = CodeBlock.of("handle");

    private final CachePlan plan;
    private final SlotCode code;
    private final Target target;
    private final ClassName self;
    private final String record;

    AccessorWriter(CachePlan plan, Target target, ClassName self) {
        this.plan = plan;
        this.code = new SlotCode(plan, target == Target.REF ? "" : "engine");
        this.target = target;
        this.self = self;
        this.record = String.join(".", plan.model.recordType().simpleNames());
    }

    /** The accessors of every node, depth first. */
    List<MethodSpec> accessors() {
        List<MethodSpec> methods = new ArrayList<>();
        for (CachePlan.Node node : plan.allNodes()) {
            ComponentType type = node.type();
            if (type instanceof ComponentType.ArrayType a) {
                arrayAccessors(node, a, methods);
            } else if (type instanceof ComponentType.StringType t) {
                stringAccessors(node, t, methods);
            } else {
                methods.add(getter(node));
                methods.add(setter(node));
                if (node.atomic()) {
                    atomicAccessors(node, ((ComponentType.Primitive) type).scalar(), methods);
                }
            }
        }
        return methods;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scalars, enums and embedded records

    private MethodSpec getter(CachePlan.Node node) {
        TypeName type = node.type().javaType();
        MethodSpec.Builder m = start(node.accessor())
                .returns(type)
                .addJavadoc("Reads {@code $L} of $L.\n", dotted(node), subject());
        if (node.type() instanceof ComponentType.Embedded) {
            m.addJavadoc("Returns a new {@link $T} copied from the slot.\n", type);
        } else if (node.type() instanceof ComponentType.EnumType) {
            m.addJavadoc("Throws {@link io.slabforge.SlabException} if the slot holds an ordinal outside the enum"
                    + " (written by native code or through {@code segment}).\n");
        }
        m.addJavadoc(renamed(node));
        handleParam(m);
        m.addJavadoc("@return the value of {@code $L}\n", dotted(node));
        return body(m, CodeBlock.builder().addStatement("return $L", code.read(node, HANDLE)).build()).build();
    }

    private MethodSpec setter(CachePlan.Node node) {
        TypeName type = node.type().javaType();
        MethodSpec.Builder m = start(node.accessor())
                .addJavadoc("Writes {@code $L} of $L.\n", dotted(node), subject());
        handleParam(m);
        m.addParameter(type, "value").addJavadoc("@param value the new value$L\n",
                node.type().javaType().isPrimitive() ? "" : ", not null");
        CodeBlock.Builder body = CodeBlock.builder();
        body.add(code.checks(node, CodeBlock.of("value")));
        body.add(code.write(node, HANDLE, CodeBlock.of("value")));
        return fluent(body(m, body.build())).build();
    }

    // ---------------------------------------------------------------------------------------------------------
    // @Length strings

    private void stringAccessors(CachePlan.Node node, ComponentType.StringType string, List<MethodSpec> out) {
        MethodSpec.Builder get = start(node.accessor()).returns(String.class)
                .addJavadoc("Reads {@code $L} of $L: the UTF-8 bytes before the first NUL (at most $L).\n",
                        dotted(node), subject(), string.length())
                .addJavadoc(renamed(node));
        handleParam(get);
        get.addJavadoc("@return a new string (the only allocation)\n");
        out.add(body(get, CodeBlock.builder().addStatement("return $L", code.read(node, HANDLE)).build()).build());

        MethodSpec.Builder set = start(node.accessor())
                .addJavadoc("Writes {@code $L} of $L as UTF-8, NUL-padded to $L bytes; allocates nothing.\n",
                        dotted(node), subject(), string.length());
        handleParam(set);
        set.addParameter(CharSequence.class, "value")
                .addJavadoc("@param value at most $L bytes of UTF-8, without U+0000, not null\n", string.length());
        out.add(fluent(body(set, code.write(node, HANDLE, CodeBlock.of("value"))))
                .addJavadoc("@throws IllegalArgumentException if {@code value} is longer than $L bytes of UTF-8 or"
                        + " contains U+0000\n(the slot is unchanged)\n", string.length())
                .build());

        MethodSpec.Builder equal = start(node.accessor() + Naming.EQUALS_SUFFIX).returns(TypeName.BOOLEAN)
                .addJavadoc("Whether {@code $L} of $L equals {@code value}, compared in the slot without"
                        + " allocating.\n", dotted(node), subject());
        handleParam(equal);
        equal.addParameter(CharSequence.class, "value")
                .addJavadoc("@param value the characters to compare with; null is never equal\n")
                .addJavadoc("@return whether the stored string equals {@code value}\n");
        out.add(body(equal, CodeBlock.builder().addStatement("return engine.stringEquals(handle, $N, $L, value)",
                node.offsetConstant(), string.length()).build()).build());
    }

    /** The Javadoc sentence of an accessor renamed by {@link Naming#accessor}, else nothing. */
    private static String renamed(CachePlan.Node node) {
        if (!node.renamed()) {
            return "";
        }
        String plain = node.accessor().substring(0, node.accessor().length() - Naming.RENAMED.length());
        return "<p>Named {@code " + node.accessor() + "} because {@code " + plain + "} is a generated member.\n";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Arrays

    private void arrayAccessors(CachePlan.Node node, ComponentType.ArrayType array, List<MethodSpec> out) {
        TypeName element = array.element().type;
        CodeBlock elementOffset = elementOffset(node, array);
        MethodSpec.Builder get = start(node.accessor()).returns(element)
                .addJavadoc("Reads element {@code index} of {@code $L} of $L.\n", dotted(node), subject());
        handleParam(get);
        get.addParameter(int.class, "index")
                .addJavadoc("@param index the element index, from 0 to $L\n", array.length() - 1)
                .addJavadoc("@return the element\n")
                .addJavadoc("@throws IndexOutOfBoundsException if {@code index} is outside {@code @Length($L)}\n",
                        array.length());
        out.add(body(get, CodeBlock.builder().addStatement("return $L",
                SlotCode.get(array.element(), HANDLE, elementOffset)).build()).build());

        MethodSpec.Builder set = start(node.accessor())
                .addJavadoc("Writes element {@code index} of {@code $L} of $L.\n", dotted(node), subject());
        handleParam(set);
        set.addParameter(int.class, "index").addParameter(element, "value")
                .addJavadoc("@param index the element index, from 0 to $L\n", array.length() - 1)
                .addJavadoc("@param value the new element\n");
        out.add(fluent(body(set, CodeBlock.builder().addStatement("$L",
                        SlotCode.set(array.element(), HANDLE, elementOffset, CodeBlock.of("value"))).build()))
                .addJavadoc("@throws IndexOutOfBoundsException if {@code index} is outside {@code @Length($L)}\n",
                        array.length())
                .build());

        MethodSpec.Builder copyOut = start(node.accessor()).returns(array.javaType())
                .addJavadoc("Copies {@code $L} of $L into a new array.\n", dotted(node), subject());
        handleParam(copyOut);
        copyOut.addJavadoc("@return a new array of $L elements\n", array.length());
        out.add(body(copyOut, CodeBlock.builder().addStatement("return $L", code.read(node, HANDLE)).build())
                .build());

        MethodSpec.Builder copyIn = start(node.accessor())
                .addJavadoc("Copies {@code value} into {@code $L} of $L.\n", dotted(node), subject());
        handleParam(copyIn);
        copyIn.addParameter(array.javaType(), "value")
                .addJavadoc("@param value exactly $L elements\n", array.length());
        out.add(fluent(body(copyIn, code.write(node, HANDLE, CodeBlock.of("value"))))
                .addJavadoc("@throws IllegalArgumentException if {@code value} does not have $L elements\n",
                        array.length())
                .build());

        MethodSpec.Builder segment = start(node.accessor() + SEGMENT_SUFFIX).returns(Names.MEMORY_SEGMENT)
                .addJavadoc("The $L bytes of {@code $L} of $L, as a segment of the slot (for bulk and native"
                        + " access).\nAlways validates the handle; the view stays usable after the slot is freed,"
                        + " as {@code segment} does.\n", array.size(), dotted(node), subject());
        handleParam(segment);
        segment.addJavadoc("@return a view of the array in the slot\n");
        out.add(body(segment, CodeBlock.builder().addStatement("return engine.segment(handle).asSlice($N, $LL)",
                node.offsetConstant(), array.size()).build()).build());
    }

    private static CodeBlock elementOffset(CachePlan.Node node, ComponentType.ArrayType array) {
        CodeBlock index = CodeBlock.of("$T.checkIndex(index, $L, $S)", Names.SLAB_CHECKS, array.length(),
                String.join(".", node.path()));
        if (array.element().size > 1) {
            index = CodeBlock.of("$L * $L", index, array.element().size);
        }
        return CodeBlock.of("$N + $L", node.offsetConstant(), index);
    }

    // ---------------------------------------------------------------------------------------------------------
    // @Atomic

    /** How an atomic accessor takes and returns values. */
    enum AtomicShape {
        /** {@code T x(h)}: returns the value. */
        READ,
        /** {@code x(h, value)}: fluent on {@code Ref} and {@code Box}. */
        WRITE,
        /** {@code boolean x(h, expected, value)}. */
        COMPARE_AND_SET,
        /** {@code T x(h, delta)}: returns the value before the addition. */
        GET_AND_ADD
    }

    /**
     * The table of an {@code @Atomic} component's extra accessors, in generation order: accessor suffix (one of
     * {@link Naming#ATOMIC_SUFFIXES}), shape, engine method ({@code get} + {@code Int} + {@code Volatile}) and
     * the Javadoc's first sentence ({@code $L}: the component path, then the subject). {@link #atomicAccessors}
     * is the one loop that writes them.
     */
    enum AtomicAccessor {
        GET_VOLATILE("Volatile", AtomicShape.READ, "get", "Volatile",
                "Reads {@code $L} of $L with volatile semantics.\n"),
        SET_VOLATILE("Volatile", AtomicShape.WRITE, "set", "Volatile",
                "Writes {@code $L} of $L with volatile semantics.\n"),
        GET_ACQUIRE("Acquire", AtomicShape.READ, "get", "Acquire",
                "Reads {@code $L} of $L with acquire semantics: later reads and writes of this thread\nare not"
                        + " reordered before it.\n"),
        SET_RELEASE("Release", AtomicShape.WRITE, "set", "Release",
                "Writes {@code $L} of $L with release semantics: earlier reads and writes of this\nthread are not"
                        + " reordered after it.\n"),
        COMPARE_AND_SET("CompareAndSet", AtomicShape.COMPARE_AND_SET, "compareAndSet", "",
                "Atomically sets {@code $L} of $L to {@code value} if it is {@code expected}, with\nvolatile"
                        + " semantics.\n"),
        GET_AND_ADD("GetAndAdd", AtomicShape.GET_AND_ADD, "getAndAdd", "",
                "Atomically adds {@code delta} to {@code $L} of $L, with volatile semantics.\n");

        final String suffix;
        final AtomicShape shape;
        final String enginePrefix;
        final String engineTail;
        final String javadoc;

        AtomicAccessor(String suffix, AtomicShape shape, String enginePrefix, String engineTail, String javadoc) {
            this.suffix = suffix;
            this.shape = shape;
            this.enginePrefix = enginePrefix;
            this.engineTail = engineTail;
            this.javadoc = javadoc;
        }

        /** The engine method for a scalar: {@code getIntVolatile}. */
        String engineMethod(Scalar scalar) {
            return enginePrefix + scalar.engineSuffix() + engineTail;
        }
    }

    private void atomicAccessors(CachePlan.Node node, Scalar scalar, List<MethodSpec> out) {
        TypeName type = scalar.type;
        CodeBlock at = CodeBlock.of("GEOMETRY, handle, $N", node.offsetConstant());
        for (AtomicAccessor row : AtomicAccessor.values()) {
            MethodSpec.Builder m = start(node.accessor() + row.suffix)
                    .addJavadoc(row.javadoc, dotted(node), subject());
            handleParam(m);
            String engine = row.engineMethod(scalar);
            MethodSpec.Builder done = switch (row.shape) {
                case READ -> body(m.returns(type).addJavadoc("@return the value\n"),
                        CodeBlock.builder().addStatement("return engine.$L($L)", engine, at).build());
                case WRITE -> fluent(body(m.addParameter(type, "value").addJavadoc("@param value the new value\n"),
                        CodeBlock.builder().addStatement("engine.$L($L, value)", engine, at).build()));
                case COMPARE_AND_SET -> body(m.returns(TypeName.BOOLEAN)
                                .addParameter(type, "expected").addParameter(type, "value")
                                .addJavadoc("@param expected the value expected in the slot\n@param value the new"
                                        + " value\n")
                                .addJavadoc("@return {@code true} if the value was set\n"),
                        CodeBlock.builder().addStatement("return engine.$L($L, expected, value)", engine, at).build());
                case GET_AND_ADD -> body(m.returns(type).addParameter(type, "delta")
                                .addJavadoc("@param delta the value to add\n@return the value before the addition\n"),
                        CodeBlock.builder().addStatement("return engine.$L($L, delta)", engine, at).build());
            };
            out.add(done.build());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Target plumbing

    private MethodSpec.Builder start(String name) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(PUBLIC);
        if (target == Target.CACHE || target == Target.COLUMN) {
            m.addParameter(long.class, "handle");
        }
        return m;
    }

    private void handleParam(MethodSpec.Builder m) {
        if (target == Target.CACHE) {
            m.addJavadoc("@param handle a live handle of this cache\n");
        } else if (target == Target.COLUMN) {
            m.addJavadoc("@param handle a live handle of the primary cache\n");
        }
    }

    private MethodSpec.Builder body(MethodSpec.Builder m, CodeBlock statements) {
        if (target == Target.BOX || target == Target.REF) {
            m.addStatement("long handle = handle()");
        }
        return m.addCode(statements);
    }

    /** Setters return {@code this} on {@code Ref} and {@code Box}, nothing on the cache and the column. */
    private MethodSpec.Builder fluent(MethodSpec.Builder m) {
        if (target == Target.REF || target == Target.BOX) {
            m.returns(self).addStatement("return this")
                    .addJavadoc("@return this $L\n", self.simpleName());
        }
        return m;
    }

    private String subject() {
        return switch (target) {
            case CACHE -> "the {@link " + record + "} at {@code handle}";
            case REF -> "the {@link " + record + "} this {@code Ref} points at";
            case BOX -> "the {@link " + record + "} this {@code Box} owns";
            case COLUMN -> "the {@link " + record + "} of the primary's {@code handle}";
        };
    }

    private static String dotted(CachePlan.Node node) {
        return String.join(".", node.path());
    }
}
