package io.slabforge.processor;

import static io.slabforge.processor.Names.OBJECTS;
import static io.slabforge.processor.Names.SLAB_ENGINE;
import static io.slabforge.processor.Names.SLAB_EXCEPTION;
import static io.slabforge.processor.Names.VALUE_LAYOUT;
import static javax.lang.model.element.Modifier.PRIVATE;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;

/** Writes the private static helpers the accessors share: whole-record copies, padding, checks, array copies. */
final class HelpersWriter {
    private static final CodeBlock HANDLE = CodeBlock.of("handle");

    private final CachePlan plan;
    private final SlotCode code;

    HelpersWriter(CachePlan plan) {
        this.plan = plan;
        this.code = new SlotCode(plan);
    }

    void writeTo(TypeSpec.Builder type) {
        type.addMethod(MethodSpec.methodBuilder("readSlot")
                .addModifiers(PRIVATE, STATIC)
                .returns(plan.model.recordType())
                .addParameter(SLAB_ENGINE, "engine")
                .addParameter(long.class, "handle")
                .addStatement("return $L", code.construct(plan.model, plan.nodes, HANDLE))
                .build());
        CodeBlock.Builder writes = CodeBlock.builder();
        for (CachePlan.Node node : plan.nodes) {
            writes.add(code.write(node, HANDLE, CodeBlock.of("value.$N()", node.component().name())));
        }
        type.addMethod(MethodSpec.methodBuilder("writeSlot")
                .addModifiers(PRIVATE, STATIC)
                .addParameter(SLAB_ENGINE, "engine")
                .addParameter(long.class, "handle")
                .addParameter(plan.model.recordType(), "value")
                .addCode(writes.build())
                .build());
        type.addMethod(allocateCopy());
        if (!plan.gaps.isEmpty()) {
            type.addMethod(zeroPadding());
        }
        if (plan.needsChecks) {
            CodeBlock.Builder checks = CodeBlock.builder()
                    .addStatement("$T.requireNonNull(value, $S)", OBJECTS, CacheWriter.nullValueMessage(plan));
            for (CachePlan.Node node : plan.nodes) {
                checks.add(code.checks(node, CodeBlock.of("value.$N()", node.component().name())));
            }
            type.addMethod(MethodSpec.methodBuilder("requireValid")
                    .addModifiers(PRIVATE, STATIC)
                    .addParameter(plan.model.recordType(), "value")
                    .addCode(checks.build())
                    .build());
        }
        if (!plan.enumValues.isEmpty()) {
            type.addMethod(enumAt());
        }
        if (!plan.arrayElements.isEmpty()) {
            type.addMethod(checkIndex());
            type.addMethod(badArray());
            for (Scalar element : plan.arrayElements) {
                type.addMethod(copyOut(element));
                type.addMethod(copyIn(element));
            }
        }
    }

    /**
     * {@code allocate(value)} passes the record's components here instead of the record: {@code allocate(value)}
     * stays small enough to inline wherever it is called, so the record never escapes the caller (a record
     * passed on to a method that is not inlined is allocated on the heap: 48 bytes per Particle).
     */
    private MethodSpec allocateCopy() {
        MethodSpec.Builder method = MethodSpec.methodBuilder("allocateCopy")
                .addModifiers(PRIVATE)
                .returns(long.class);
        CodeBlock.Builder writes = CodeBlock.builder();
        for (CachePlan.Node node : plan.nodes) {
            String parameter = copyParameter(node);
            method.addParameter(node.type().javaType(), parameter);
            writes.add(code.write(node, HANDLE, CodeBlock.of("$N", parameter)));
        }
        return method
                .addStatement("long handle = engine.allocateUninitialized()")
                .addCode(plan.gaps.isEmpty() ? CodeBlock.of("") : CodeBlock.of("zeroPadding(engine, handle);\n"))
                .addCode(writes.build())
                .addStatement("return handle")
                .build();
    }

    /** The {@code allocateCopy} parameter of a component: never equal to its local {@code handle}. */
    static String copyParameter(CachePlan.Node node) {
        return node.component().name() + "Value";
    }

    /** Stores of zero over every padding byte, in the widest aligned units (never wider than the slot alignment). */
    private MethodSpec zeroPadding() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("zeroPadding")
                .addModifiers(PRIVATE, STATIC)
                .addParameter(SLAB_ENGINE, "engine")
                .addParameter(long.class, "handle");
        for (CachePlan.Gap gap : plan.gaps) {
            if (gap.size() > CachePlan.MAX_STORED_GAP) {
                m.addStatement("engine.clear(GEOMETRY, handle, $LL, $LL)", gap.offset(), gap.size());
                continue;
            }
            for (CachePlan.ZeroStore store : plan.zeroStores(gap)) {
                Scalar unit = store.unit();
                String zero = unit == Scalar.LONG ? "0L" : unit == Scalar.INT ? "0"
                        : unit == Scalar.SHORT ? "(short) 0" : "(byte) 0";
                m.addStatement("$L", SlotCode.set(unit, HANDLE, CodeBlock.of("$LL", store.offset()),
                        CodeBlock.of(zero)));
            }
        }
        return m.build();
    }

    private static MethodSpec enumAt() {
        TypeVariableName e = TypeVariableName.get("E", ParameterizedTypeName.get(ClassName.get(Enum.class),
                TypeVariableName.get("E")));
        return MethodSpec.methodBuilder("enumAt")
                .addModifiers(PRIVATE, STATIC)
                .addTypeVariable(e)
                .returns(e)
                .addParameter(ArrayTypeName.of(e), "values")
                .addParameter(int.class, "ordinal")
                .addParameter(String.class, "name")
                .beginControlFlow("if (ordinal < 0 || ordinal >= values.length)")
                .addStatement("throw new $T(name + $S + ordinal + $S\n+ values.getClass().getComponentType()"
                                + ".getSimpleName() + $S + values.length\n+ $S)",
                        SLAB_EXCEPTION, " holds ordinal ", ", but ", " has only ", " constants; was the slot"
                                + " written through segment(handle) or by native code?")
                .endControlFlow()
                .addStatement("return values[ordinal]")
                .build();
    }

    private static MethodSpec checkIndex() {
        return MethodSpec.methodBuilder("checkIndex")
                .addModifiers(PRIVATE, STATIC)
                .returns(long.class)
                .addParameter(int.class, "index")
                .addParameter(int.class, "length")
                .addParameter(String.class, "name")
                .beginControlFlow("if (index < 0 || index >= length)")
                .addStatement("throw new $T($S + index + $S + name + $S + length + $S)",
                        IndexOutOfBoundsException.class, "index ", " is out of bounds for ", " of @Length(", ")")
                .endControlFlow()
                .addStatement("return index")
                .build();
    }

    private static MethodSpec badArray() {
        return MethodSpec.methodBuilder("badArray")
                .addModifiers(PRIVATE, STATIC)
                .returns(RuntimeException.class)
                .addParameter(String.class, "name")
                .addParameter(Object.class, "array")
                .addParameter(int.class, "length")
                .beginControlFlow("if (array == null)")
                .addStatement("return new $T(name + $S + length + $S)", NullPointerException.class,
                        " is null; a slot stores exactly ", " elements inline")
                .endControlFlow()
                .addStatement("return new $T(name + $S + $T.getLength(array) + $S + length + $S + length)",
                        IllegalArgumentException.class, " has ", java.lang.reflect.Array.class,
                        " elements; @Length(", ") needs exactly ")
                .build();
    }

    private static MethodSpec copyOut(Scalar element) {
        TypeName array = ArrayTypeName.of(element.type);
        MethodSpec.Builder m = MethodSpec.methodBuilder("copyOut")
                .addModifiers(PRIVATE, STATIC)
                .returns(array)
                .addParameter(SLAB_ENGINE, "engine")
                .addParameter(long.class, "handle")
                .addParameter(long.class, "offset")
                .addParameter(array, "array");
        if (element.bulkCopyable()) {
            m.addStatement("engine.copyOut(GEOMETRY, handle, offset, $T.$L, array, array.length)", VALUE_LAYOUT,
                    element.accessLayoutConstant);
        } else {
            m.beginControlFlow("for (int i = 0; i < array.length; i++)")
                    .addStatement("array[i] = $L", SlotCode.get(element, HANDLE, CodeBlock.of("offset + i")))
                    .endControlFlow();
        }
        return m.addStatement("return array").build();
    }

    private static MethodSpec copyIn(Scalar element) {
        TypeName array = ArrayTypeName.of(element.type);
        MethodSpec.Builder m = MethodSpec.methodBuilder("copyIn")
                .addModifiers(PRIVATE, STATIC)
                .addParameter(SLAB_ENGINE, "engine")
                .addParameter(long.class, "handle")
                .addParameter(long.class, "offset")
                .addParameter(array, "array")
                .addParameter(int.class, "length")
                .addParameter(String.class, "name")
                .beginControlFlow("if (array == null || array.length != length)")
                .addStatement("throw badArray(name, array, length)")
                .endControlFlow();
        if (element.bulkCopyable()) {
            m.addStatement("engine.copyIn(GEOMETRY, handle, offset, $T.$L, array, length)", VALUE_LAYOUT,
                    element.accessLayoutConstant);
        } else {
            m.beginControlFlow("for (int i = 0; i < length; i++)")
                    .addStatement("$L", SlotCode.set(element, HANDLE, CodeBlock.of("offset + i"),
                            CodeBlock.of("array[i]")))
                    .endControlFlow();
        }
        return m.build();
    }
}
