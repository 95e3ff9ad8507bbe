package io.slabforge.processor;

import static io.slabforge.processor.Names.OBJECTS;
import static io.slabforge.processor.Names.SLAB_ENGINE;
import static javax.lang.model.element.Modifier.PRIVATE;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;

/**
 * Writes the private helpers the accessors share that depend on the record: whole-record copies, padding, the
 * record check. What does not depend on the record is the runtime's, written once: the checks
 * ({@code checkIndex}, {@code badArray}, {@code enumAt}) in {@code io.slabforge.internal.SlabChecks}, the array
 * copies in {@code io.slabforge.internal.SlabArrays}. The names of the helpers written here are
 * {@link Naming#HELPERS}: reserved for components, unlike the runtime's.
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
        type.addMethod(MethodSpec.methodBuilder(Naming.READ_SLOT)
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
        type.addMethod(MethodSpec.methodBuilder(Naming.WRITE_SLOT)
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
            type.addMethod(MethodSpec.methodBuilder(Naming.REQUIRE_VALID)
                    .addModifiers(PRIVATE, STATIC)
                    .addParameter(plan.model.recordType(), "value")
                    .addCode(checks.build())
                    .build());
        }
    }

    /**
     * {@code allocate(value)} passes the record's components here instead of the record: {@code allocate(value)}
     * stays small enough to inline wherever it is called, so the record never escapes the caller (a record
     * passed on to a method that is not inlined is allocated on the heap: 48 bytes per Particle).
     */
    private MethodSpec allocateCopy() {
        MethodSpec.Builder method = MethodSpec.methodBuilder(Naming.ALLOCATE_COPY)
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
        MethodSpec.Builder m = MethodSpec.methodBuilder(Naming.ZERO_PADDING)
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
}
