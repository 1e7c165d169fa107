package io.recoflow.operator.budget.source;

/**
 * Why a source has no spend to give. {@link #reason()} is a CamelCase condition reason (one of the constants here,
 * which the budget's conditions use as they are); {@link #retryable()} says whether asking again later, with nothing
 * changed, may succeed.
 */
public class CostException extends Exception {
    /** The source did not answer (down, timed out, 5xx, throttled) or its data has holes. Retryable. */
    public static final String UNAVAILABLE = "CostDataUnavailable";
    /** The newest data is older than the source promises. Retryable. */
    public static final String STALE = "CostDataStale";
    /** The cloud refused the credentials (401/403). Not retryable: the Secret must change. */
    public static final String REJECTED = "CredentialsRejected";
    /** The Secret lacks a key the cloud in scope needs. Not retryable. */
    public static final String MISSING = "CredentialsMissing";
    /** The source cannot measure this scope (e.g. namespaces from a bill, a bill not in USD). Not retryable. */
    public static final String UNSUPPORTED = "CostQueryUnsupported";

    private final String reason;
    private final boolean retryable;

    public CostException(String reason, boolean retryable, String message) {
        this(reason, retryable, message, null);
    }

    public CostException(String reason, boolean retryable, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryable = retryable;
    }

    public String reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }

    static CostException unavailable(String message) {
        return new CostException(UNAVAILABLE, true, message);
    }

    static CostException unavailable(String message, Throwable cause) {
        return new CostException(UNAVAILABLE, true, message, cause);
    }

    static CostException stale(String message) {
        return new CostException(STALE, true, message);
    }

    static CostException rejected(String message, Throwable cause) {
        return new CostException(REJECTED, false, message, cause);
    }

    static CostException unsupported(String message) {
        return new CostException(UNSUPPORTED, false, message);
    }
}
