package io.slabforge.processor;

import static io.slabforge.processor.Names.OBJECTS;
import static io.slabforge.processor.Names.SLAB_ENGINE;
import static io.slabforge.processor.Names.VALUE_LAYOUT;
import static javax.lang.model.element.Modifier.PRIVATE;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;

/**
 * Writes the private static helpers the accessors share: whole-record copies, padding, the record check, array
 * copies. The checks that do not depend on the record ({@code checkIndex}, {@code badArray}, {@code enumAt}) are
 * the runtime's {@code io.slabforge.internal.SlabChecks}.
 */
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
        if (!plan.arrayElements.isEmpty()) {
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
                .addStatement("throw $T.badArray(name, array, length)", Names.SLAB_CHECKS)
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
