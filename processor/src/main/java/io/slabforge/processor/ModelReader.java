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
    private static final String CANNOT_LAY_OUT = ", which cannot be laid out: ";

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
        diagnostics.error(type, Rule.RECORD_KIND, "@SlabType applies to records only; " + type.getSimpleName() + " is " + kind
                + ": declare it as a record of primitives, enums, @Length arrays and @SlabType records");
        return false;
    }

    /** An explicit {@code cacheName} must be usable as a class name. */
    private static boolean checkCacheName(TypeElement type, SlabTypeAttributes attributes, Diagnostics diagnostics) {
        String name = attributes.cacheName();
        if (name.isEmpty() || SourceVersion.isIdentifier(name) && !SourceVersion.isKeyword(name)) {
            return true;
        }
        diagnostics.error(type, attributes.mirror(), attributes.cacheNameValue(), Rule.CACHE_NAME, "cacheName \"" + name
                + "\" is not a valid Java class name; use a name such as " + type.getSimpleName() + "Cache");
        return false;
    }

    private static boolean checkNotGeneric(TypeElement type, Diagnostics diagnostics) {
        if (type.getTypeParameters().isEmpty()) {
            return true;
        }
        String params = type.getTypeParameters().stream().map(p -> p.getSimpleName().toString())
                .collect(Collectors.joining(", ", "<", ">"));
        diagnostics.error(type, Rule.GENERIC, "generic record " + type.getSimpleName() + params
                + " is not supported: type parameters have no fixed layout; declare a record per concrete type");
        return false;
    }

    private ComponentModel readComponent(RecordComponentElement component, Context context,
                                         Diagnostics diagnostics) {
        TypeMirror type = component.asType();
        String name = component.getSimpleName().toString();
        if (type.getKind() == TypeKind.ERROR) {
            throw new UnresolvedTypeException(component, "the type of component " + name + " cannot be resolved");
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
                diagnostics.error(component, Rule.LENGTH, "@Length applies to array and String components only; component "
                        + name + " has type " + describe(type) + ": remove @Length");
                return null;
            }
            componentType = readScalarOrDeclared(component, type, context, diagnostics);
        }
        if (componentType == null) {
            return null;
        }
        if (atomic && !(componentType instanceof ComponentType.Primitive p
                && (p.scalar() == Scalar.INT || p.scalar() == Scalar.LONG))) {
            diagnostics.error(component, Rule.ATOMIC, "@Atomic applies to int and long components only; component " + name
                    + " has type " + describe(type) + ": remove @Atomic or use int or long");
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
            diagnostics.error(component, Rule.COMPONENT_TYPE, "component " + name + " has type " + type
                    + ", a type variable, which has no fixed layout; use a concrete type");
            return null;
        }
        if (type.getKind() != TypeKind.DECLARED) {
            diagnostics.error(component, Rule.COMPONENT_TYPE, "component " + name + " has type " + describe(type)
                    + ", which has no fixed layout; use a primitive, an enum, a @Length array or a @SlabType record");
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
        String problem;
        String fix;
        if (qualified.equals("java.lang.String")) {
            problem = "which has no fixed size";
            fix = "use @Length(n) String (at most n bytes of UTF-8, stored inline)";
        } else if (BOXED.contains(qualified)) {
            problem = "a boxed primitive, which may be null and has no inline layout";
            fix = "use " + types.unboxedType(type) + " instead";
        } else if (isSubtypeOf(type, "java.util.Collection") || isSubtypeOf(type, "java.util.Map")) {
            problem = "a collection, which has no fixed size";
            fix = "use a @Length(n) primitive array, or a separate cache and a long handle";
        } else if (element.getKind() == ElementKind.INTERFACE) {
            problem = "an interface, whose implementations have no fixed layout";
            fix = "use a @SlabType record, or a separate cache and a long handle";
        } else {
            problem = "a class, which has no fixed layout";
            fix = "use a primitive, an enum, a @Length array or a @SlabType record";
        }
        diagnostics.error(component, Rule.COMPONENT_TYPE, "component " + name + " has type " + describe(type) + ", " + problem + "; "
                + fix);
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
            diagnostics.error(component, length, value, Rule.LENGTH, "@Length(" + n + ") on component "
                    + component.getSimpleName() + " must be at least 1");
            return null;
        }
        return n;
    }

    private ComponentType readArray(RecordComponentElement component, ArrayType type, AnnotationMirror length,
                                    Diagnostics diagnostics) {
        String name = component.getSimpleName().toString();
        TypeMirror elementType = type.getComponentType();
        if (elementType.getKind() == TypeKind.ERROR) {
            throw new UnresolvedTypeException(component, "the element type of component " + name
                    + " cannot be resolved");
        }
        if (elementType.getKind() == TypeKind.ARRAY) {
            diagnostics.error(component, Rule.COMPONENT_TYPE, "component " + name + " has type " + describe(type)
                    + ", a multi-dimensional array; use one @Length(rows * columns) array and index it yourself");
            return null;
        }
        Scalar element = Scalar.of(elementType.getKind());
        if (element == null) {
            diagnostics.error(component, Rule.COMPONENT_TYPE, "component " + name + " has type " + describe(type)
                    + ", an array of " + describe(elementType) + "; only arrays of primitives can be stored inline"
                    + " (use an array per field, or a separate cache and a long[] of handles)");
            return null;
        }
        if (length == null) {
            diagnostics.error(component, Rule.LENGTH, "array component " + name + " needs @Length(n): a slot has a fixed size,"
                    + " so the array's length must be fixed at compile time");
            return null;
        }
        Integer n = lengthValue(component, length, diagnostics);
        return n == null ? null : new ComponentType.ArrayType(element, n);
    }

    private ComponentType readEmbedded(RecordComponentElement component, TypeElement record, Context context,
                                       Diagnostics diagnostics) {
        String name = component.getSimpleName().toString();
        if (slabTypeMirror(record) == null) {
            diagnostics.error(component, Rule.EMBEDDED, "component " + name + " has type " + record.getSimpleName()
                    + ", a record without @SlabType; annotate " + record.getSimpleName() + " with @SlabType to embed it");
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
                    context.topDiagnostics.error(context.top, Rule.CYCLE, record.getSimpleName() + " embeds itself: " + cycle
                            + "; a slot cannot contain itself: hold a long handle of a separate cache instead");
                }
            } else {
                diagnostics.error(component, Rule.CYCLE, record.getSimpleName() + " embeds itself: " + cycle);
            }
            return null;
        }
        Diagnostics nested = Diagnostics.collecting();
        RecordModel model = read(record, context, nested);
        if (model == null) {
            if (!context.cycleReported) {
                String cause = nested.firstError().cause();
                diagnostics.errorCausedBy(component, Rule.EMBEDDED, "component " + name + " embeds "
                        + record.getSimpleName() + CANNOT_LAY_OUT + cause, cause);
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
