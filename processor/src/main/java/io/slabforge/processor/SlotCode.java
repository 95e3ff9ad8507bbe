package io.slabforge.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.List;

/**
 * The code that reads and writes one stored value through the engine, given an expression for the handle:
 * {@code engine.getDouble(handle, X_OFFSET)}. The engine validates the handle and bounds the access to the slot;
 * the offsets are {@code static final} constants, so that bound folds.
 */
final class SlotCode {
    private final CachePlan plan;
    /** What scalar reads and writes call: {@code engine}, or nothing: a {@code Ref}'s own (SlabRef) methods. */
    private final String scalarReceiver;

    SlotCode(CachePlan plan) {
        this(plan, "engine");
    }

    /**
     * @param scalarReceiver {@code ""} for a {@code Ref}: its scalar accesses are its own ({@code SlabRef}'s), in
     *                       place while {@code scan} positions it, else checked by the engine
     */
    SlotCode(CachePlan plan, String scalarReceiver) {
        this.plan = plan;
        this.scalarReceiver = scalarReceiver;
    }

    /** An expression reading the node's whole value (a copy, for arrays and embedded records). */
    CodeBlock read(CachePlan.Node node, CodeBlock handle) {
        return read(node, handle, false);
    }

    /**
     * {@code nested}: the read is an argument of an enclosing constructor call, so an embedded record's arguments
     * are indented one level deeper; a statement's own continuation indent covers the outermost one.
     */
    private CodeBlock read(CachePlan.Node node, CodeBlock handle, boolean nested) {
        ComponentType type = node.type();
        if (type instanceof ComponentType.Primitive p) {
            return scalarGet(p.scalar(), handle, CodeBlock.of("$N", node.offsetConstant()));
        }
        if (type instanceof ComponentType.EnumType e) {
            return CodeBlock.of("$T.enumAt($N, $L, $S)", Names.SLAB_CHECKS, plan.enumValues.get(e.type()),
                    readOrdinal(e, handle, CodeBlock.of("$N", node.offsetConstant())),
                    node.displayName(plan.model.simpleName()));
        }
        if (type instanceof ComponentType.ArrayType a) {
            return CodeBlock.of("$T.copyOut(engine, GEOMETRY, $L, $N, new $T[$L])", Names.SLAB_ARRAYS, handle,
                    node.offsetConstant(), a.element().type, a.length());
        }
        if (type instanceof ComponentType.StringType t) {
            return CodeBlock.of("engine.getString($L, $N, $L)", handle, node.offsetConstant(), t.length());
        }
        ComponentType.Embedded e = (ComponentType.Embedded) type;
        CodeBlock arguments = node.children().stream().map(n -> read(n, handle, true))
                .collect(CodeBlock.joining(",\n"));
        CodeBlock.Builder code = CodeBlock.builder().add("new $T(\n", e.record().recordType());
        if (nested) {
            code.indent().add(arguments).unindent();
        } else {
            code.add(arguments);
        }
        return code.add(")").build();
    }

    /** {@code new Particle(<every component read>)}. */
    CodeBlock construct(RecordModel record, List<CachePlan.Node> nodes, CodeBlock handle) {
        CodeBlock arguments = nodes.stream().map(n -> read(n, handle, true)).collect(CodeBlock.joining(",\n"));
        return CodeBlock.builder()
                .add("new $T(\n", record.recordType())
                .add(arguments)
                .add(")")
                .build();
    }

    /** {@code engine.getDouble(handle, offset)}. */
    static CodeBlock get(Scalar scalar, CodeBlock handle, CodeBlock offset) {
        return CodeBlock.of("engine.get$L(GEOMETRY, $L, $L)", scalar.engineSuffix(), handle, offset);
    }

    /** {@code engine.setDouble(handle, offset, value)}. */
    static CodeBlock set(Scalar scalar, CodeBlock handle, CodeBlock offset, CodeBlock value) {
        return CodeBlock.of("engine.set$L(GEOMETRY, $L, $L, $L)", scalar.engineSuffix(), handle, offset, value);
    }

    /** {@link #get} on this code's scalar receiver. */
    private CodeBlock scalarGet(Scalar scalar, CodeBlock handle, CodeBlock offset) {
        return CodeBlock.of("$Lget$L(GEOMETRY, $L, $L)", receiver(), scalar.engineSuffix(), handle, offset);
    }

    /** {@link #set} on this code's scalar receiver. */
    private CodeBlock scalarSet(Scalar scalar, CodeBlock handle, CodeBlock offset, CodeBlock value) {
        return CodeBlock.of("$Lset$L(GEOMETRY, $L, $L, $L)", receiver(), scalar.engineSuffix(), handle, offset, value);
    }

    private String receiver() {
        return scalarReceiver.isEmpty() ? "" : scalarReceiver + ".";
    }

    CodeBlock readOrdinal(ComponentType.EnumType e, CodeBlock handle, CodeBlock offset) {
        CodeBlock raw = scalarGet(e.storage(), handle, offset);
        return switch (e.storage()) {
            case BYTE -> CodeBlock.of("$T.toUnsignedInt($L)", Byte.class, raw);
            case SHORT -> CodeBlock.of("$T.toUnsignedInt($L)", Short.class, raw);
            default -> raw;
        };
    }

    /** Statements writing {@code value} (already validated) into the node. */
    CodeBlock write(CachePlan.Node node, CodeBlock handle, CodeBlock value) {
        ComponentType type = node.type();
        CodeBlock offset = CodeBlock.of("$N", node.offsetConstant());
        if (type instanceof ComponentType.Primitive p) {
            return CodeBlock.builder().addStatement("$L", scalarSet(p.scalar(), handle, offset, value)).build();
        }
        if (type instanceof ComponentType.EnumType e) {
            return CodeBlock.builder().addStatement("$L", writeOrdinal(e, handle, offset, value)).build();
        }
        if (type instanceof ComponentType.ArrayType a) {
            return CodeBlock.builder().addStatement("$T.copyIn(engine, GEOMETRY, $L, $L, $L, $L, $S)",
                    Names.SLAB_ARRAYS, handle, offset, value, a.length(), node.displayName(plan.model.simpleName()))
                    .build();
        }
        if (type instanceof ComponentType.StringType t) {
            return CodeBlock.builder().addStatement("engine.setString($L, $L, $L, $L, $S)", handle, offset,
                    t.length(), value, node.displayName(plan.model.simpleName())).build();
        }
        CodeBlock.Builder code = CodeBlock.builder();
        for (CachePlan.Node child : node.children()) {
            code.add(write(child, handle, CodeBlock.of("$L.$N()", value, child.component().name())));
        }
        return code.build();
    }

    CodeBlock writeOrdinal(ComponentType.EnumType e, CodeBlock handle, CodeBlock offset, CodeBlock value) {
        return switch (e.storage()) {
            case BYTE -> scalarSet(Scalar.BYTE, handle, offset, CodeBlock.of("(byte) $L.ordinal()", value));
            case SHORT -> scalarSet(Scalar.SHORT, handle, offset, CodeBlock.of("(short) $L.ordinal()", value));
            default -> scalarSet(e.storage(), handle, offset, CodeBlock.of("$L.ordinal()", value));
        };
    }

    /**
     * Statements that throw before anything is written if {@code value} cannot be stored in the node: a null enum,
     * array or embedded record, or an array of the wrong length. Messages are literals, so a valid value costs
     * no allocation.
     */
    CodeBlock checks(CachePlan.Node node, CodeBlock value) {
        ComponentType type = node.type();
        String name = node.displayName(plan.model.simpleName());
        CodeBlock.Builder code = CodeBlock.builder();
        if (type instanceof ComponentType.EnumType) {
            code.beginControlFlow("if ($L == null)", value)
                    .addStatement("throw new $T($S)", NullPointerException.class,
                            name + " is null; a slot stores an enum as its ordinal and cannot hold null")
                    .endControlFlow();
        } else if (type instanceof ComponentType.ArrayType a) {
            code.beginControlFlow("if ($L == null || $L.length != $L)", value, value, a.length())
                    .addStatement("throw $T.badArray($S, $L, $L)", Names.SLAB_CHECKS, name, value, a.length())
                    .endControlFlow();
        } else if (type instanceof ComponentType.StringType t) {
            code.addStatement("$T.check($L, $L, $S)", Names.SLAB_STRINGS, value, t.length(), name);
        } else if (type instanceof ComponentType.Embedded) {
            code.beginControlFlow("if ($L == null)", value)
                    .addStatement("throw new $T($S)", NullPointerException.class,
                            name + " is null; an embedded record is stored inline and cannot be null")
                    .endControlFlow();
            for (CachePlan.Node child : node.children()) {
                code.add(checks(child, CodeBlock.of("$L.$N()", value, child.component().name())));
            }
        }
        return code.build();
    }

    /** Statements writing every component of a record value. */
    CodeBlock writeAll(List<CachePlan.Node> nodes, CodeBlock handle, CodeBlock value) {
        CodeBlock.Builder code = CodeBlock.builder();
        for (CachePlan.Node node : nodes) {
            code.add(write(node, handle, CodeBlock.of("$L.$N()", value, node.component().name())));
        }
        return code.build();
    }
}
