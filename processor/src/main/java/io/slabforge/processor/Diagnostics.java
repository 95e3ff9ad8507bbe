package io.slabforge.processor;

import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * A report of diagnostics: each an {@link Item} of a {@link Rule} on an element (and annotation value), printed to
 * the compiler's {@link Messager} with the rule's id, or (a sub-report, while reading an embedded record whose own
 * problems are reported when that record itself is processed) only collected, so that the enclosing record can
 * name the innermost cause without parsing any text.
 */
class Diagnostics {
    /**
     * One diagnostic.
     *
     * @param rule the rule it belongs to
     * @param message the message without the id
     * @param cause the innermost cause: for an embedded record that cannot be laid out, the cause inside it; else
     *     the message itself
     */
    record Item(Rule rule, String message, String cause) {}

    private final Messager messager;
    private final List<Item> errors = new ArrayList<>();

    private Diagnostics(Messager messager) {
        this.messager = messager;
    }

    static Diagnostics of(Messager messager) {
        return new Diagnostics(messager);
    }

    /** A sub-report: collected, not printed. */
    static Diagnostics collecting() {
        return new Diagnostics(null);
    }

    void error(Element element, Rule rule, String message) {
        error(element, null, null, rule, message, message);
    }

    /** An error whose innermost cause is {@code cause} (from a sub-report). */
    void errorCausedBy(Element element, Rule rule, String message, String cause) {
        error(element, null, null, rule, message, cause);
    }

    /**
     * An error on an explicit annotation value, or on {@code element} when the value was defaulted
     * ({@code value == null}).
     */
    void error(Element element, AnnotationMirror mirror, AnnotationValue value, Rule rule, String message) {
        error(element, mirror, value, rule, message, message);
    }

    private void error(Element element, AnnotationMirror mirror, AnnotationValue value, Rule rule, String message,
                       String cause) {
        errors.add(new Item(rule, message, cause));
        if (messager == null) {
            return;
        }
        if (value == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, rule.format(message), element);
        } else {
            messager.printMessage(Diagnostic.Kind.ERROR, rule.format(message), element, mirror, value);
        }
    }

    void warning(Element element, Rule rule, String message) {
        if (messager != null) {
            messager.printMessage(Diagnostic.Kind.WARNING, rule.format(message), element);
        }
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    int errorCount() {
        return errors.size();
    }

    /** The first error reported, or null. */
    Item firstError() {
        return errors.isEmpty() ? null : errors.get(0);
    }
}
