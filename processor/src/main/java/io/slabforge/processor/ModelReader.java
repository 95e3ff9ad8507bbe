package io.slabforge.processor;

import com.palantir.javapoet.ClassName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads a {@code @SlabType} record into a {@link RecordModel}: its kind, attributes, component types (recursing
 * into embedded records) and layout. Problems that make a model impossible are reported here, each on its
 * element; the rules about numbers (sizes, alignments, names) are the {@link Validator}'s.
 */
final class ModelReader {
    static final String LENGTH = "io.slabforge.Length";
    static final String ATOMIC = "io.slabforge.Atomic";

    private static final Set<String> BOXED = Set.of("java.lang.Boolean", "java.lang.Byte", "java.lang.Short",
            "java.lang.Character", "java.lang.Integer", "java.lang.Float", "java.lang.Long", "java.lang.Double");

    /** Thrown when a type the record needs is not resolved yet (it may be generated in a later round). */
    static final class UnresolvedTypeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Element element;

        UnresolvedTypeException(Element element, String message) {
            super(message, null, false, false);
            this.element = element;
        }
    }

    private final Elements elements;
    private final Types types;

    ModelReader(ProcessingEnvironment env) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
    }

    /** What one top-level read shares with the nested reads of the records it embeds. */
    private static final class Context {
        final TypeElement top;
        final Diagnostics topDiagnostics;
        final Deque<TypeElement> path = new ArrayDeque<>();
        boolean cycleReported;

        Context(TypeElement top, Diagnostics topDiagnostics) {
            this.top = top;
            this.topDiagnostics = topDiagnostics;
        }
    }

    /**
     * Reads a record annotated {@code @SlabType}.
     *
     * @return the model, or {@code null} if an error was reported
     * @throws UnresolvedTypeException if a component's type is not resolved (defer to the next round)
     */
    RecordModel read(TypeElement type, Diagnostics diagnostics) {
        return read(type, new Context(type, diagnostics), diagnostics);
    }

    private RecordModel read(TypeElement type, Context context, Diagnostics diagnostics) {
        if (!checkIsRecord(type, diagnostics) || !checkNotGeneric(type, diagnostics)) {
            return null;
        }
        AnnotationMirror mirror = slabTypeMirror(type);
        SlabTypeAttributes attributes = SlabTypeAttributes.read(mirror);
        if (!checkCacheName(type, attributes, diagnostics)) {
            return null;
        }
        context.path.addLast(type);
        List<ComponentModel> components = new ArrayList<>();
        int errorsBefore = diagnostics.errorCount();
        try {
            for (RecordComponentElement component : type.getRecordComponents()) {
                ComponentModel model = readComponent(component, context, diagnostics);
                if (model != null) {
                    components.add(model);
                }
            }
        } finally {
            context.path.removeLast();
        }
        if (diagnostics.errorCount() > errorsBefore) {
            return null;
        }
        Layout layout = Layout.of(components, attributes.align());
        return new RecordModel(type, ClassName.get(type), cacheName(type, attributes), attributes,
                List.copyOf(components), layout);
    }

    private static boolean checkIsRecord(TypeElement type, Diagnostics diagnostics) {
        if (type.getKind() == ElementKind.RECORD) {
            return true;
        }
        String kind = switch (type.getKind()) {
            case ENUM -> "an enum";
            case INTERFACE -> "an interface";
            case ANNOTATION_TYPE -> "an annotation interface";
            default -> "a class";
        };
        diagnostics.error(type, Message.NOT_A_RECORD, type.getSimpleName(), kind);
        return false;
    }

    /** An explicit {@code cacheName} must be usable as a class name. */
    private static boolean checkCacheName(TypeElement type, SlabTypeAttributes attributes, Diagnostics diagnostics) {
        String name = attributes.cacheName();
        if (name.isEmpty() || SourceVersion.isIdentifier(name) && !SourceVersion.isKeyword(name)) {
            return true;
        }
        diagnostics.error(type, attributes.mirror(), attributes.cacheNameValue(), Message.INVALID_CACHE_NAME, name,
                type.getSimpleName());
        return false;
    }

    private static boolean checkNotGeneric(TypeElement type, Diagnostics diagnostics) {
        if (type.getTypeParameters().isEmpty()) {
            return true;
        }
        String params = type.getTypeParameters().stream().map(p -> p.getSimpleName().toString())
                .collect(Collectors.joining(", ", "<", ">"));
        diagnostics.error(type, Message.GENERIC_RECORD, type.getSimpleName(), params);
        return false;
    }

    private ComponentModel readComponent(RecordComponentElement component, Context context,
                                         Diagnostics diagnostics) {
        TypeMirror type = component.asType();
        String name = component.getSimpleName().toString();
        if (type.getKind() == TypeKind.ERROR) {
            throw new UnresolvedTypeException(component, Message.UNRESOLVED_TYPE.format(name));
        }
        AnnotationMirror length = annotation(component, LENGTH);
        boolean atomic = annotation(component, ATOMIC) != null;
        ComponentType componentType;
        if (type.getKind() == TypeKind.ARRAY) {
            componentType = readArray(component, (ArrayType) type, length, diagnostics);
        } else if (length != null && isString(type)) {
            componentType = readString(component, length, diagnostics);
        } else {
            if (length != null) {
                diagnostics.error(component, Message.LENGTH_NOT_APPLICABLE, name, describe(type));
                return null;
            }
            componentType = readScalarOrDeclared(component, type, context, diagnostics);
        }
        if (componentType == null) {
            return null;
        }
        if (atomic && !(componentType instanceof ComponentType.Primitive p
                && (p.scalar() == Scalar.INT || p.scalar() == Scalar.LONG))) {
            diagnostics.error(component, Message.ATOMIC_NOT_APPLICABLE, name, describe(type));
            return null;
        }
        return new ComponentModel(component, name, componentType, atomic);
    }

    private ComponentType readScalarOrDeclared(RecordComponentElement component, TypeMirror type, Context context,
                                               Diagnostics diagnostics) {
        Scalar scalar = Scalar.of(type.getKind());
        if (scalar != null) {
            return new ComponentType.Primitive(scalar);
        }
        String name = component.getSimpleName().toString();
        if (type.getKind() == TypeKind.TYPEVAR) {
            diagnostics.error(component, Message.TYPE_VARIABLE, name, type);
            return null;
        }
        if (type.getKind() != TypeKind.DECLARED) {
            diagnostics.error(component, Message.NO_FIXED_LAYOUT, name, describe(type));
            return null;
        }
        TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
        String qualified = element.getQualifiedName().toString();
        if (element.getKind() == ElementKind.ENUM) {
            int constants = (int) element.getEnclosedElements().stream()
                    .filter(e -> e.getKind() == ElementKind.ENUM_CONSTANT).count();
            return ComponentType.EnumType.of(ClassName.get(element), constants);
        }
        if (element.getKind() == ElementKind.RECORD) {
            return readEmbedded(component, element, context, diagnostics);
        }
        if (qualified.equals("java.lang.String")) {
            diagnostics.error(component, Message.UNSIZED_STRING, name, describe(type));
        } else if (BOXED.contains(qualified)) {
            diagnostics.error(component, Message.BOXED_PRIMITIVE, name, describe(type), types.unboxedType(type));
        } else if (isSubtypeOf(type, "java.util.Collection") || isSubtypeOf(type, "java.util.Map")) {
            diagnostics.error(component, Message.COLLECTION, name, describe(type));
        } else if (element.getKind() == ElementKind.INTERFACE) {
            diagnostics.error(component, Message.INTERFACE, name, describe(type));
        } else {
            diagnostics.error(component, Message.CLASS, name, describe(type));
        }
        return null;
    }

    private static boolean isString(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED && ((TypeElement) ((DeclaredType) type).asElement())
                .getQualifiedName().contentEquals("java.lang.String");
    }

    private ComponentType readString(RecordComponentElement component, AnnotationMirror length,
                                     Diagnostics diagnostics) {
        Integer n = lengthValue(component, length, diagnostics);
        return n == null ? null : new ComponentType.StringType(n);
    }

    /** The {@code @Length} value, at least 1; null (reported, or malformed and reported by javac) otherwise. */
    private static Integer lengthValue(RecordComponentElement component, AnnotationMirror length,
                                       Diagnostics diagnostics) {
        AnnotationValue value = annotationValue(length, "value");
        if (value == null || !(value.getValue() instanceof Integer n)) {
            return null; // javac reports the malformed annotation itself
        }
        if (n <= 0) {
            diagnostics.error(component, length, value, Message.LENGTH_NOT_POSITIVE, n, component.getSimpleName());
            return null;
        }
        return n;
    }

    private ComponentType readArray(RecordComponentElement component, ArrayType type, AnnotationMirror length,
                                    Diagnostics diagnostics) {
        String name = component.getSimpleName().toString();
        TypeMirror elementType = type.getComponentType();
        if (elementType.getKind() == TypeKind.ERROR) {
            throw new UnresolvedTypeException(component, Message.UNRESOLVED_ELEMENT_TYPE.format(name));
        }
        if (elementType.getKind() == TypeKind.ARRAY) {
            diagnostics.error(component, Message.MULTI_DIMENSIONAL_ARRAY, name, describe(type));
            return null;
        }
        Scalar element = Scalar.of(elementType.getKind());
        if (element == null) {
            diagnostics.error(component, Message.ARRAY_OF_OBJECTS, name, describe(type), describe(elementType));
            return null;
        }
        if (length == null) {
            diagnostics.error(component, Message.LENGTH_MISSING, name);
            return null;
        }
        Integer n = lengthValue(component, length, diagnostics);
        return n == null ? null : new ComponentType.ArrayType(element, n);
    }

    private ComponentType readEmbedded(RecordComponentElement component, TypeElement record, Context context,
                                       Diagnostics diagnostics) {
        String name = component.getSimpleName().toString();
        if (slabTypeMirror(record) == null) {
            diagnostics.error(component, Message.EMBEDDED_NOT_SLAB_TYPE, name, record.getSimpleName());
            return null;
        }
        if (context.path.contains(record)) {
            List<TypeElement> chain = new ArrayList<>(context.path);
            chain = chain.subList(chain.indexOf(record), chain.size());
            String cycle = chain.stream().map(t -> t.getSimpleName().toString())
                    .collect(Collectors.joining(" -> ", "", " -> " + record.getSimpleName()));
            if (record.equals(context.top)) {
                if (!context.cycleReported) {
                    context.cycleReported = true;
                    context.topDiagnostics.error(context.top, Message.CYCLE, record.getSimpleName(), cycle);
                }
            } else {
                diagnostics.error(component, Message.CYCLE_INNER, record.getSimpleName(), cycle);
            }
            return null;
        }
        Diagnostics nested = Diagnostics.collecting();
        RecordModel model = read(record, context, nested);
        if (model == null) {
            if (!context.cycleReported) {
                String cause = nested.firstError().cause();
                diagnostics.errorCausedBy(component, Message.EMBEDDED_INVALID, cause, name, record.getSimpleName(),
                        cause);
            }
            return null;
        }
        return new ComponentType.Embedded(model);
    }

    private boolean isSubtypeOf(TypeMirror type, String qualifiedName) {
        TypeElement target = elements.getTypeElement(qualifiedName);
        return target != null && types.isAssignable(types.erasure(type), types.erasure(target.asType()));
    }

    static AnnotationMirror slabTypeMirror(Element element) {
        return annotation(element, SlabTypeAttributes.SLAB_TYPE);
    }

    static AnnotationMirror annotation(Element element, String qualifiedName) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            TypeElement annotationType = (TypeElement) mirror.getAnnotationType().asElement();
            if (annotationType.getQualifiedName().contentEquals(qualifiedName)) {
                return mirror;
            }
        }
        return null;
    }

    static AnnotationValue annotationValue(AnnotationMirror mirror, String name) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : mirror.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The generated class name: {@code cacheName}, or {@code <Outer>_<Record>Slab} (nesting joined by _). */
    static ClassName cacheName(TypeElement record, SlabTypeAttributes attributes) {
        ClassName recordName = ClassName.get(record);
        String simple = attributes.cacheName().isEmpty()
                ? String.join("_", recordName.simpleNames()) + "Slab"
                : attributes.cacheName();
        return ClassName.get(recordName.packageName(), simple);
    }

    /** A type as a user wrote it: simple names, type arguments kept ({@code List<String>}, {@code int[][]}). */
    static String describe(TypeMirror type) {
        if (type.getKind() == TypeKind.ARRAY) {
            return describe(((ArrayType) type).getComponentType()) + "[]";
        }
        if (type.getKind() == TypeKind.DECLARED) {
            DeclaredType declared = (DeclaredType) type;
            String simple = declared.asElement().getSimpleName().toString();
            if (declared.getTypeArguments().isEmpty()) {
                return simple;
            }
            return simple + declared.getTypeArguments().stream().map(ModelReader::describe)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        return type.toString();
    }
}
