package io.slabforge;

/**
 * A long given as a handle is not a live handle of this cache: never allocated here, already freed (stale
 * generation or double free), from another cache, or malformed.
 * Nothing is changed when it is thrown.
 */
public class InvalidHandleException extends SlabException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message why the handle was refused
     */
    public InvalidHandleException(String message) {
        super(message);
    }
}
