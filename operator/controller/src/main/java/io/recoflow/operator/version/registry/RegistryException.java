package io.recoflow.operator.version.registry;

/** A version that cannot be resolved; {@link #reason()} is a CamelCase condition reason. */
public class RegistryException extends Exception {
    private final String reason;
    private final boolean retryable;

    public RegistryException(String reason, String message, boolean retryable) {
        super(message);
        this.reason = reason;
        this.retryable = retryable;
    }

    public String reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }
}
