package io.recoflow.recommend.features;

/** Redis could not answer (down, timeout, or skipped while recently failed). */
public class FeatureStoreUnavailableException extends RuntimeException {
    public FeatureStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
