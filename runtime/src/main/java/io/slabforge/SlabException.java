package io.slabforge;

/**
 * Base of every error Slabforge raises about memory, handles or providers. Unchecked.
 *
 * <p>Subclasses: {@link SlabOutOfMemoryException} (no memory left) and {@link InvalidHandleException} (a long that
 * is not a live handle of the cache it was given to). A plain {@code SlabException} reports a misbehaving
 * {@link SlabMemory} provider or a corrupted free list; the cache stays consistent and usable after it.
 */
public class SlabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong
     */
    public SlabException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public SlabException(String message, Throwable cause) {
        super(message, cause);
    }
}
