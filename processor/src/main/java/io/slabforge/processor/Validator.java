package io.slabforge.processor;

import static io.slabforge.processor.SlabGeometryMath.MAX_SLAB_SIZE;
import static io.slabforge.processor.SlabGeometryMath.MIN_SLOT_ALIGNMENT;
import static io.slabforge.processor.SlabGeometryMath.MIN_SLOT_SIZE;
import static io.slabforge.processor.SlabGeometryMath.isPowerOfTwo;
import static io.slabforge.processor.SlabGeometryMath.minimumSlabBytes;
import static io.slabforge.processor.SlabGeometryMath.nextPowerOfTwo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * The rules a valid model must satisfy, one small method each. Each reports on the most precise element: an
 * explicit attribute on its annotation value, anything derived on the record, a component's problem on the
 * component.
 */
final class Validator {

    /** Put on the record (or an enclosing element) to silence the reordering warning. */
    static final String SUPPRESS_LAYOUT = "slabforge.layout";

    private final Elements elements;
    private final Diagnostics diagnostics;

    Validator(Elements elements, Diagnostics diagnostics) {
        this.elements = elements;
        this.diagnostics = diagnostics;
    }

    /** Checks everything; returns whether the model may be generated. */
    boolean validate(RecordModel model) {
        int before = diagnostics.errorCount();
        boolean alignOk = checkAlign(model);
        boolean sizeOk = checkSlotSize(model);
        boolean alignmentOk = checkSlotAlignment(model, alignOk); // reported even when the size is wrong too
        boolean slotOk = sizeOk && alignmentOk;
        if (checkSlabSizeValue(model) && slotOk) {
            checkSlabSizeFits(model);
        }
        checkCacheName(model);
        checkAccessorNames(model);
        if (diagnostics.errorCount() == before) {
            warnIfReorderingSaves(model);
        }
        return diagnostics.errorCount() == before;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Source level

    /** Generated code uses the FFM API, final in Java 22. */
    static boolean checkRelease(SourceVersion version, TypeElement type, Diagnostics diagnostics) {
        int release = release(version);
        if (release >= 22) {
            return true;
        }
        diagnostics.error(type, Message.RELEASE, release);
        return false;
    }

    static int release(SourceVersion version) {
        String name = version.name();
        try {
            return Integer.parseInt(name.substring(name.indexOf('_') + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Visibility

    /**
     * The generated class lives in the record's package: the record and every enclosing class must be reachable
     * from there. Checked before the model is read (a local class has no name to generate from).
     */
    static boolean checkReachable(TypeElement type, Diagnostics diagnostics) {
        if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
            diagnostics.error(type, Message.LOCAL_RECORD, type.getSimpleName());
            return false;
        }
        for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
            if (e.getModifiers().contains(Modifier.PRIVATE)) {
                if (e == type) {
                    diagnostics.error(type, Message.PRIVATE_RECORD, type.getSimpleName(), cacheSimpleName(type));
                } else {
                    diagnostics.error(type, Message.NESTED_IN_PRIVATE, type.getSimpleName(), kindName(e),
                            e.getSimpleName(), cacheSimpleName(type));
                }
                return false;
            }
        }
        return true;
    }

    private static String cacheSimpleName(TypeElement type) {
        javax.lang.model.element.AnnotationMirror mirror = ModelReader.slabTypeMirror(type);
        if (mirror != null) {
            String name = SlabTypeAttributes.read(mirror).cacheName();
            if (!name.isEmpty()) {
                return name;
            }
        }
        List<String> names = new ArrayList<>();
        for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
            names.add(0, e.getSimpleName().toString());
        }
        return String.join("_", names) + "Slab";
    }

    private static String kindName(Element e) {
        return switch (e.getKind()) {
            case INTERFACE -> "interface";
            case ENUM -> "enum";
            case RECORD -> "record";
            default -> "class";
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Slot size and alignment

    private boolean checkSlotSize(RecordModel model) {
        long size = model.layout().size();
        if (size >= MIN_SLOT_SIZE) {
            return true;
        }
        diagnostics.error(model.element(), Message.SLOT_TOO_SMALL, model.simpleName(), Message.bytes(size),
                MIN_SLOT_SIZE);
        return false;
    }

    /** The explicit {@code align}: a power of two, not below the natural alignment. */
    private boolean checkAlign(RecordModel model) {
        SlabTypeAttributes a = model.attributes();
        int align = a.align();
        if (a.alignValue() == null || align == 0) {
            return true;
        }
        long natural = model.layout().naturalAlignment();
        long suggestion = Math.max(natural, MIN_SLOT_ALIGNMENT);
        if (!checkAlignValue(model.element(), a, suggestion, diagnostics)) {
            return false;
        }
        if (align < natural) {
            diagnostics.error(model.element(), a.mirror(), a.alignValue(), Message.ALIGN_BELOW_NATURAL, align, natural,
                    model.simpleName(), suggestion);
            return false;
        }
        return true;
    }

    /** {@code align} alone: not negative, a power of two. */
    private static boolean checkAlignValue(Element element, SlabTypeAttributes a, long suggestion,
                                           Diagnostics diagnostics) {
        int align = a.align();
        if (a.alignValue() == null || align == 0) {
            return true;
        }
        if (align < 0) {
            diagnostics.error(element, a.mirror(), a.alignValue(), Message.ALIGN_NEGATIVE, align, suggestion);
            return false;
        }
        if (!isPowerOfTwo(align)) {
            diagnostics.error(element, a.mirror(), a.alignValue(), Message.ALIGN_NOT_POWER_OF_TWO, align,
                    Math.max(nextPowerOfTwo(align), suggestion));
            return false;
        }
        return true;
    }

    /** Slots hold an aligned int free-list link: at least 4-aligned. */
    private boolean checkSlotAlignment(RecordModel model, boolean alignOk) {
        if (!alignOk) {
            return false;
        }
        long alignment = model.layout().alignment();
        if (alignment >= MIN_SLOT_ALIGNMENT) {
            return true;
        }
        SlabTypeAttributes a = model.attributes();
        if (a.alignValue() != null && a.align() != 0) {
            diagnostics.error(model.element(), a.mirror(), a.alignValue(), Message.ALIGN_BELOW_SLOT_MINIMUM, a.align(),
                    MIN_SLOT_ALIGNMENT);
        } else {
            diagnostics.error(model.element(), Message.SLOT_ALIGNMENT_TOO_SMALL, model.simpleName(), alignment,
                    MIN_SLOT_ALIGNMENT);
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Slab size

    /** {@code slabSize} alone: positive, a power of two, at most the maximum. */
    private boolean checkSlabSizeValue(RecordModel model) {
        return checkSlabSizeValue(model.element(), model.attributes(), model.layout().size(),
                model.layout().alignment(), diagnostics);
    }

    /**
     * The checks of the {@code @SlabType} values that need no layout, for a record whose components have errors
     * (so that one compile reports every error it can): {@code slabSize} and {@code align} values.
     */
    static void checkAttributeValues(TypeElement type, Diagnostics diagnostics) {
        javax.lang.model.element.AnnotationMirror mirror = ModelReader.slabTypeMirror(type);
        if (mirror == null) {
            return;
        }
        SlabTypeAttributes a = SlabTypeAttributes.read(mirror);
        checkSlabSizeValue(type, a, MIN_SLOT_SIZE, MIN_SLOT_ALIGNMENT, diagnostics);
        checkAlignValue(type, a, MIN_SLOT_ALIGNMENT, diagnostics);
    }

    private static boolean checkSlabSizeValue(Element element, SlabTypeAttributes a, long slotSize, long alignment,
                                              Diagnostics diagnostics) {
        long slabSize = a.slabSize();
        long needed = Math.max(minimumSlabBytes(Math.max(slotSize, MIN_SLOT_SIZE),
                Math.max(alignment, MIN_SLOT_ALIGNMENT)), SlabTypeAttributes.DEFAULT_SLAB_SIZE);
        long fallback = Math.min(nextPowerOfTwo(needed), MAX_SLAB_SIZE);
        if (slabSize <= 0) {
            diagnostics.error(element, a.mirror(), a.slabSizeValue(), Message.SLAB_SIZE_NOT_POSITIVE, slabSize,
                    fallback);
        } else if (!isPowerOfTwo(slabSize)) {
            diagnostics.error(element, a.mirror(), a.slabSizeValue(), Message.SLAB_SIZE_NOT_POWER_OF_TWO, slabSize,
                    Math.min(nextPowerOfTwo(slabSize), MAX_SLAB_SIZE));
        } else if (slabSize > MAX_SLAB_SIZE) {
            diagnostics.error(element, a.mirror(), a.slabSizeValue(), Message.SLAB_SIZE_ABOVE_MAXIMUM, slabSize,
                    MAX_SLAB_SIZE);
        } else {
            return true;
        }
        return false;
    }

    /** The slab must hold at least one slot (a slab holds slots only). */
    private void checkSlabSizeFits(RecordModel model) {
        long slotSize = model.layout().size();
        long needed = minimumSlabBytes(slotSize, model.layout().alignment());
        long slabSize = model.attributes().slabSize();
        if (slabSize >= needed) {
            return;
        }
        if (needed > MAX_SLAB_SIZE) {
            diagnostics.error(model.element(), Message.SLOT_TOO_LARGE, model.simpleName(), slotSize, MAX_SLAB_SIZE);
            return;
        }
        SlabTypeAttributes a = model.attributes();
        Message message = a.slabSizeValue() == null ? Message.DEFAULT_SLAB_SIZE_TOO_SMALL : Message.SLAB_SIZE_TOO_SMALL;
        diagnostics.error(model.element(), a.mirror(), a.slabSizeValue(), message, slabSize, slotSize,
                model.simpleName(), nextPowerOfTwo(needed));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Names

    /** The generated class name must not name an existing type (its syntax is the ModelReader's check). */
    private void checkCacheName(RecordModel model) {
        SlabTypeAttributes a = model.attributes();
        String name = model.cacheType().simpleName();
        TypeElement existing = elements.getTypeElement(model.cacheType().canonicalName());
        if (existing != null && !isEarlierOutput(existing)) {
            Message message = a.cacheNameValue() != null ? Message.CACHE_NAME_EXISTS : Message.GENERATED_NAME_EXISTS;
            diagnostics.error(model.element(), a.mirror(), a.cacheNameValue(), message, name,
                    existing.getQualifiedName());
        }
    }

    /**
     * Whether an existing type is this processor's output from an earlier build (its class file is on the class
     * path of an incremental recompile): a compiled cache with our nested {@code Ref} and {@code Box}.
     */
    private static boolean isEarlierOutput(TypeElement existing) {
        if (existing.getKind() != ElementKind.CLASS) {
            return false;
        }
        Set<String> nested = existing.getEnclosedElements().stream()
                .filter(e -> e.getKind() == ElementKind.CLASS)
                .map(e -> e.getSimpleName().toString())
                .collect(Collectors.toSet());
        boolean hasGeometry = existing.getEnclosedElements().stream()
                .anyMatch(e -> e.getKind() == ElementKind.FIELD && e.getSimpleName().contentEquals("GEOMETRY")
                        && e.asType().toString().equals(Names.SLAB_GEOMETRY.canonicalName()));
        return hasGeometry && nested.containsAll(Set.of("Ref", "Box", "Builder"));
    }

    /**
     * Every accessor name (components, flattened fields of embedded records, derived names such as
     * {@code symbolSegment} or {@code countAcquire}) must be distinct and must not redeclare a generated member.
     */
    private void checkAccessorNames(RecordModel model) {
        Map<String, String> owners = new HashMap<>();
        for (ComponentModel component : model.components()) {
            for (String[] name : accessorNames(component, "", component.name())) {
                if (Naming.isReserved(name[0])) {
                    diagnostics.error(component.element(), Message.ACCESSOR_IS_MEMBER, component.name(), name[0],
                            name[1], model.cacheType().simpleName());
                    break;
                }
                if (owners.containsKey(name[0])) {
                    diagnostics.error(component.element(), Message.ACCESSOR_TAKEN, component.name(), name[0], name[1],
                            owners.get(name[0]));
                    break;
                }
                owners.put(name[0], name[1]);
            }
        }
    }

    /** Pairs of (accessor name, what it accesses), named by {@link Naming}. */
    private static List<String[]> accessorNames(ComponentModel component, String prefix, String display) {
        String accessor = Naming.accessor(prefix, component.name());
        List<String[]> names = new ArrayList<>();
        for (String name : Naming.accessorNames(accessor, component.type(), component.atomic())) {
            names.add(new String[] {name, display});
        }
        if (component.type() instanceof ComponentType.Embedded e) {
            for (ComponentModel child : e.record().components()) {
                names.addAll(accessorNames(child, accessor, display + "." + child.name()));
            }
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reordering warning

    /** Warns when another component order gives a smaller (rounded) slot; silenced by {@code @SuppressWarnings}. */
    private void warnIfReorderingSaves(RecordModel model) {
        long current = model.layout().size();
        List<ComponentModel> packed = Layout.packedOrder(model.components());
        long best = Layout.of(packed, model.attributes().align()).size();
        if (best >= current || isSuppressed(model.element())) {
            return;
        }
        String order = packed.stream().map(c -> ModelReader.describe(c.element().asType()) + " " + c.name())
                .collect(Collectors.joining(", ", "(", ")"));
        diagnostics.warning(model.element(), Message.REORDER, model.simpleName(), order, best, current,
                current - best);
    }

    private static boolean isSuppressed(Element element) {
        for (Element e = element; e != null; e = e.getEnclosingElement()) {
            SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
            if (suppress != null && List.of(suppress.value()).contains(SUPPRESS_LAYOUT)) {
                return true;
            }
        }
        return false;
    }
}
