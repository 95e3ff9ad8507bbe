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
     * @param message the catalogue entry (its rule gives the id)
     * @param text the filled-in text without the id
     * @param cause the innermost cause: for an embedded record that cannot be laid out, the cause inside it; else
     *     the text itself
     */
    record Item(Message message, String text, String cause) {
        Rule rule() {
            return message.rule;
        }
    }

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

    /** An error on {@code element}: {@code message} filled in with {@code arguments}. */
    void error(Element element, Message message, Object... arguments) {
        String text = message.format(arguments);
        error(element, null, null, message, text, text);
    }

    /** An error whose innermost cause is {@code cause} (from a sub-report), which is also the last argument. */
    void errorCausedBy(Element element, Message message, String cause, Object... arguments) {
        error(element, null, null, message, message.format(arguments), cause);
    }

    /**
     * An error on an explicit annotation value, or on {@code element} when the value was defaulted
     * ({@code value == null}).
     */
    void error(Element element, AnnotationMirror mirror, AnnotationValue value, Message message,
               Object... arguments) {
        String text = message.format(arguments);
        error(element, mirror, value, message, text, text);
    }

    private void error(Element element, AnnotationMirror mirror, AnnotationValue value, Message message, String text,
                       String cause) {
        errors.add(new Item(message, text, cause));
        if (messager == null) {
            return;
        }
        String printed = message.rule.format(text);
        if (value == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, printed, element);
        } else {
            messager.printMessage(Diagnostic.Kind.ERROR, printed, element, mirror, value);
        }
    }

    void warning(Element element, Message message, Object... arguments) {
        if (messager != null) {
            messager.printMessage(Diagnostic.Kind.WARNING, message.print(arguments), element);
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
