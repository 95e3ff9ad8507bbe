package io.slabforge;

/**
 * No slot could be had: the memory provider returned no memory, the cache's {@code maxBytes} is reached, or the
 * handle space (see {@code io.slabforge.internal.SlabEngine}) is exhausted. Nothing already allocated is affected.
 */
public class SlabOutOfMemoryException extends SlabException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what ran out
     */
    public SlabOutOfMemoryException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what ran out
     * @param cause the underlying failure
     */
    public SlabOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
