package io.recoflow.operator.budget.source;

public class CostException extends Exception {
    private final String reason;
    private final boolean retryable;

    public CostException(String reason, String message, boolean retryable) {
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
